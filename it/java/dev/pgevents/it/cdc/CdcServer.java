package dev.pgevents.it.cdc;

import dev.pgevents.it.fault.FaultServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;

/** HTTP to one application server of the CDC suite: the posts API and the CDC admin API. */
final class CdcServer {

    /** GET /api/admin/cdc, the parts the suite looks at: state, slot, and per operator applied LSN and status. */
    record Status(String state, long slotConfirmedLsn, Map<String, Long> appliedLsn, Map<String, String> operatorStatus,
                  String raw) {
        boolean running() {
            return "running".equals(state);
        }

        /** Whether the operator has applied everything up to {@code lsn}. */
        boolean applied(String operator, long lsn) {
            return appliedLsn.getOrDefault(operator, -1L) >= lsn;
        }
    }

    private final FaultServer server;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    CdcServer(FaultServer server, String adminUser, String adminPassword) {
        this.server = server;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((adminUser + ":" + adminPassword).getBytes());
    }

    FaultServer process() {
        return server;
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    HttpResponse<String> post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> put(String path, String json) {
        return send(request(path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> delete(String path) {
        return send(request(path).DELETE());
    }

    HttpResponse<String> admin(String method, String path) {
        return send(request(path).header("Authorization", authorization).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    /** The admin API's view, or empty when the server does not answer (killed, starting). */
    Optional<Status> status() {
        HttpResponse<String> r;
        try {
            r = http.send(request("api/admin/cdc").header("Authorization", authorization).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (r.statusCode() != 200) {
            return Optional.empty();
        }
        JsonObject o = json(r).asJsonObject();
        JsonObject slot = o.get("slot") instanceof JsonObject s ? s : JsonValue.EMPTY_JSON_OBJECT;
        Map<String, Long> applied = new TreeMap<>();
        Map<String, String> status = new TreeMap<>();
        for (JsonValue v : o.getJsonArray("operators")) {
            JsonObject op = v.asJsonObject();
            applied.put(op.getString("name"), Lsn.parse(op.get("appliedLsn")));
            status.put(op.getString("name"), op.getString("status"));
        }
        return Optional.of(new Status(o.getString("state"), Lsn.parse(slot.get("confirmedLsn")), applied, status, r.body()));
    }

    static JsonValue json(HttpResponse<String> response) {
        try (var reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readValue();
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(server.baseUri().resolve(path)).timeout(Duration.ofSeconds(30));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        HttpRequest r = request.build();
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(r.method() + " " + r.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

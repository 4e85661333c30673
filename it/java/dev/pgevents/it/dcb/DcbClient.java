package dev.pgevents.it.dcb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** HTTP client of the /dcb API for the integration tests, with optional Basic credentials. */
public final class DcbClient {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;
    private final String authorization;

    public DcbClient(URL base, String user, String password) {
        this.base = URI.create(base.toString()).resolve("/dcb/");
        this.authorization = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public static DcbClient anonymous(URL base) {
        return new DcbClient(base, null, null);
    }

    DcbClient as(String user, String password) {
        return new DcbClient(toUrl(base.resolve("/")), user, password);
    }

    public HttpResponse<String> read(String query, String options) {
        StringBuilder q = new StringBuilder("read");
        String sep = "?";
        if (query != null) {
            q.append(sep).append("query=").append(URLEncoder.encode(query, StandardCharsets.UTF_8));
            sep = "&";
        }
        if (options != null) {
            q.append(sep).append("options=").append(URLEncoder.encode(options, StandardCharsets.UTF_8));
        }
        return get(q.toString());
    }

    /** A successful read as a JSON array. */
    JsonArray events(String query, String options) {
        HttpResponse<String> r = read(query, options);
        assertEquals(200, r.statusCode(), r.body());
        return json(r.body()).asJsonArray();
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    public HttpResponse<String> append(String body) {
        return post("append", "application/json", body);
    }

    /** An append sent with a Correlation-Id header. */
    public HttpResponse<String> append(String body, String correlationId) {
        return send(request("append").header("Content-Type", "application/json").header("Correlation-Id", correlationId)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** A successful append's answer. */
    JsonObject appended(String body) {
        HttpResponse<String> r = append(body);
        assertEquals(200, r.statusCode(), r.body());
        return json(r.body()).asJsonObject();
    }

    /** Appends and asserts the condition held. */
    void appendOk(String body) {
        JsonObject answer = appended(body);
        assertFalse(answer.getBoolean("appendConditionFailed"), body);
    }

    HttpResponse<String> post(String path, String contentType, String body) {
        HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b.build());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static jakarta.json.JsonValue json(String text) {
        try (JsonReader r = Json.createReader(new StringReader(text))) {
            return r.readValue();
        }
    }

    /** A JSON string literal. */
    static String str(String s) {
        return Json.createValue(s).toString();
    }

    private static URL toUrl(URI uri) {
        try {
            return uri.toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }
}

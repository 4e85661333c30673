package dev.pgevents.it.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.EventTypes;
import dev.pgevents.eventstore.NewEvent;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.eventstore.Tag;
import dev.pgevents.it.Await;
import dev.pgevents.it.Deployments;
import dev.pgevents.it.Http;
import dev.pgevents.listener.EventListener;
import dev.pgevents.listener.ListenerStatus;
import dev.pgevents.listener.cdi.ListenerRuntime;
import dev.pgevents.transaction.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Readiness is public: a listener stopped on an error is named with one word ({@code failed}), its
 * error text (SQL, row values, class names) stays behind the admin API and in the log.
 */
@ExtendWith(ArquillianExtension.class)
class ReadinessLeaksIT {

    static final String LISTENER = "edge-leaky";
    static final String SECRET = "Failing row contains (secret-value-42)";

    @Deployment
    static WebArchive deployment() {
        return Deployments.application().addClasses(Http.class, Await.class)
                .addAsResource(new StringAsset(StopAtOnce.class.getName()),
                        "META-INF/services/org.eclipse.microprofile.config.spi.ConfigSource");
    }

    /** The event the leaky listener fails on. */
    public sealed interface EdgeEvents extends Event {
        record Leaked(@Tag("edge") String id) implements EdgeEvents {
        }

        @ApplicationScoped
        class Types implements EventTypes {
            @Override
            public Collection<Class<? extends Event>> eventTypes() {
                return List.of(EdgeEvents.class);
            }
        }
    }

    /** Fails the way a read model's insert does, with SQL text and row values in the message. */
    @ApplicationScoped
    public static class LeakyListener implements EventListener {
        @Override
        public String id() {
            return LISTENER;
        }

        @Override
        public EventQuery query() {
            return EventQuery.of(QueryItem.types(EdgeEvents.Leaked.class));
        }

        @Override
        public void handle(RecordedEvent event) {
            throw new IllegalStateException("org.hibernate.exception.ConstraintViolationException: could not execute"
                    + " statement [ERROR: null value in column \"name\" of relation \"course_view\" violates not-null"
                    + " constraint. " + SECRET + "] [insert into course_view (capacity,name,id) values (?,?,?)]");
        }
    }

    /** The leaky listener stops after one quick attempt. */
    public static class StopAtOnce implements ConfigSource {
        static final Map<String, String> VALUES = Map.of(
                "pgevents.listener." + LISTENER + ".poll-interval", "200ms",
                "pgevents.listener." + LISTENER + ".retry.max-attempts", "1",
                "pgevents.listener." + LISTENER + ".on-failure", "STOP");

        @Override
        public Set<String> getPropertyNames() {
            return VALUES.keySet();
        }

        @Override
        public String getValue(String propertyName) {
            return VALUES.get(propertyName);
        }

        @Override
        public String getName() {
            return "edge-readiness-it";
        }

        @Override
        public int getOrdinal() {
            return 500;
        }
    }

    @Inject
    Transactions transactions;

    @Inject
    EventStore store;

    @Inject
    ListenerRuntime runtime;

    @ArquillianResource
    URL base;

    @Test
    void aStoppedListenerIsOneWordInReadinessAndItsErrorStaysBehindTheAdminApi() throws Exception {
        long position = transactions.inNewTransaction(() -> store.append(List.of(NewEvent.of(new EdgeEvents.Leaked("x")))))
                .get(0).position();
        Await.until("the leaky listener to stop", Duration.ofSeconds(20),
                () -> runtime.admin().info(LISTENER).status() == ListenerStatus.FAILED);
        Http root = new Http(base).serverRoot();
        HttpResponse<String> ready = root.get("health/ready");
        assertEquals(503, ready.statusCode(), ready.body());
        JsonObject listeners = Http.json(ready).asJsonObject().getJsonArray("checks").getValuesAs(JsonObject.class)
                .stream().filter(c -> c.getString("name").equals("listeners")).findFirst().orElseThrow();
        assertEquals("DOWN", listeners.getString("status"));
        assertEquals("failed", listeners.getJsonObject("data").getString(LISTENER), listeners.toString());
        for (String leak : List.of("secret-value", "course_view", "insert into", "hibernate", "Exception", "position")) {
            assertFalse(ready.body().toLowerCase().contains(leak.toLowerCase()), "readiness leaks '" + leak + "': " + ready.body());
        }

        HttpResponse<String> info = admin("GET", "api/admin/listeners/" + LISTENER);
        assertTrue(info.body().contains(SECRET), "the admin API keeps the detail: " + info.body());

        assertEquals(200, admin("POST", "api/admin/listeners/" + LISTENER + "/parked/" + position + "/skip").statusCode());
        assertEquals(200, root.get("health/ready").statusCode());
    }

    private HttpResponse<String> admin(String method, String path) throws Exception {
        String credentials = Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(base.toString()).resolve(path))
                .header("Authorization", "Basic " + credentials).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(30)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}

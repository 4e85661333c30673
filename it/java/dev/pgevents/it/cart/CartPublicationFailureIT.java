package dev.pgevents.it.cart;

import static dev.pgevents.it.cart.support.CartRequests.JSON;
import static dev.pgevents.it.cart.support.CartRequests.item;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.cart.CartEvent.CartPublicationFailed;
import dev.pgevents.cart.CartEvent.CartPublished;
import dev.pgevents.cart.CartPublication;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.ReadOptions;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.it.Await;
import dev.pgevents.it.Deployments;
import dev.pgevents.it.Http;
import dev.pgevents.it.cart.support.AdminApi;
import dev.pgevents.it.cart.support.CartItConfig;
import dev.pgevents.it.cart.support.CartRequests;
import dev.pgevents.it.cart.support.UnreachableBrokerConfig;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With the broker unreachable, the publish processor retries and the cart ends
 * "publication-failed" after the (short, configured) deadline, once.
 */
@ExtendWith(ArquillianExtension.class)
class CartPublicationFailureIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.application()
                .addClasses(Await.class, Http.class)
                .addPackage(CartItConfig.class.getPackage())
                .addAsResource(new StringAsset(UnreachableBrokerConfig.class.getName()),
                        "META-INF/services/org.eclipse.microprofile.config.spi.ConfigSource");
    }

    @Inject
    EventStore store;

    @ArquillianResource
    URL base;

    @Test
    void aCartWhosePublicationKeepsFailingEndsPublicationFailedAfterTheDeadline() {
        Http http = new Http(base);
        UUID cart = UUID.randomUUID();
        HttpResponse<String> added = http.post("api/carts/" + cart + "/items", JSON, item(UUID.randomUUID(), UUID.randomUUID(), "3"));
        assertEquals(201, added.statusCode(), added.body());
        assertEquals(204, http.post("api/carts/" + cart + "/submit", JSON, "").statusCode());

        Await.until("the cart to be publication-failed", Duration.ofSeconds(90),
                () -> "publication-failed".equals(CartRequests.status(http, cart)));
        List<RecordedEvent> events = new ArrayList<>();
        store.read(EventQuery.tagged("cart:" + cart), ReadOptions.defaults(), events::add);
        assertEquals(1, events.stream().filter(e -> e.event() instanceof CartPublicationFailed).count());
        assertEquals(0, events.stream().filter(e -> e.event() instanceof CartPublished).count());

        HttpResponse<String> tasks = new AdminApi(base).send("GET", "api/admin/tasks?status=FAILED&type=" + CartPublication.TASK_TYPE);
        assertEquals(200, tasks.statusCode(), tasks.body());
        long submittedAt = events.stream().filter(e -> e.event() instanceof dev.pgevents.cart.CartEvent.CartSubmitted)
                .findFirst().orElseThrow().position();
        JsonObject task = Http.json(tasks).asJsonArray().stream().map(v -> v.asJsonObject())
                .filter(t -> t.getJsonNumber("triggeringPosition").longValue() == submittedAt).findFirst().orElseThrow();
        assertTrue(task.getInt("attempts") > 1, "retried before giving up: " + task);
    }
}

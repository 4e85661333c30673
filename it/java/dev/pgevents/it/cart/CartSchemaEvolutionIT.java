package dev.pgevents.it.cart;

import static dev.pgevents.it.cart.support.CartRequests.JSON;
import static dev.pgevents.it.cart.support.CartRequests.item;
import static dev.pgevents.it.cart.support.CartRequests.position;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pgevents.cart.CartEvent.CartCreated;
import dev.pgevents.cart.CartEvent.CartItemAdded;
import dev.pgevents.cart.CartEventTypes;
import dev.pgevents.cart.Carts;
import dev.pgevents.cart.CartsWithProducts;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.NewEvent;
import dev.pgevents.eventstore.RawEvent;
import dev.pgevents.eventstore.ReadOptions;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.eventstore.StoredEvent;
import dev.pgevents.it.Deployments;
import dev.pgevents.it.Http;
import dev.pgevents.it.cart.support.AdminApi;
import dev.pgevents.it.cart.support.CartRequests;
import dev.pgevents.readmodel.ReadYourWrites;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Schema evolution (book chapter 28): a raw version-1 CartItemAdded (no fingerprint), stored as an
 * older release wrote it, reads as version 2 with the fingerprint "default-fingerprint" through
 * every path: decision state, live projection, listeners and a read model rebuild.
 */
@ExtendWith(ArquillianExtension.class)
class CartSchemaEvolutionIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.application().addClasses(Http.class, AdminApi.class, CartRequests.class);
    }

    @Inject
    EventStore store;

    @Inject
    ReadYourWrites readYourWrites;

    @ArquillianResource
    URL base;

    @Test
    void aVersionOneItemReadsWithTheDefaultFingerprintEverywhere() {
        Http http = new Http(base);
        UUID cart = UUID.randomUUID();
        UUID old = UUID.randomUUID();
        UUID tea = UUID.randomUUID();
        store.append(List.of(NewEvent.of(new CartCreated(cart))));
        store.appendRaw(List.of(new RawEvent(UUID.randomUUID(), "CartItemAdded", 1,
                Set.of("cart:" + cart, "product:" + tea), "{\"cartId\":\"" + cart + "\",\"itemId\":\"" + old
                + "\",\"productId\":\"" + tea + "\",\"description\":\"Old tea\",\"image\":\"old.png\",\"price\":1.5}", null)),
                null);
        List<StoredEvent> raw = new ArrayList<>();
        try (var events = store.readRaw(EventQuery.tagged("cart:" + cart), ReadOptions.defaults())) {
            events.stream().forEach(raw::add);
        }
        assertEquals(1, raw.get(1).version(), "stored as version 1, never rewritten");

        // typed read (what decisions and listeners decode)
        List<RecordedEvent> typed = new ArrayList<>();
        store.read(EventQuery.tagged("cart:" + cart), ReadOptions.defaults(), typed::add);
        assertEquals(new CartItemAdded(cart, old, tea, "Old tea", "old.png", new BigDecimal("1.50"),
                CartEventTypes.DEFAULT_FINGERPRINT), typed.get(1).event());

        // decision state: the old item is in the cart
        HttpResponse<String> again = http.post("api/carts/" + cart + "/items", JSON, item(old, tea, "1"));
        assertEquals(409, again.statusCode(), again.body());
        assertEquals("/problems/item-already-in-cart", Http.json(again).asJsonObject().getString("type"));
        HttpResponse<String> added = http.post("api/carts/" + cart + "/items", JSON, item(UUID.randomUUID(), tea, "2"));
        assertEquals(201, added.statusCode(), added.body());

        // live projection
        JsonObject live = Http.json(http.get("api/carts/" + cart + "/items")).asJsonObject();
        assertEquals(CartEventTypes.DEFAULT_FINGERPRINT, live.getJsonArray("items").getJsonObject(0).getString("fingerprint"));
        assertEquals(new BigDecimal("3.50"), live.getJsonNumber("totalPrice").bigDecimalValue());

        // listeners: the read models
        JsonObject view = Http.json(http.get("api/carts/" + cart + "?minPosition=" + position(added))).asJsonObject();
        assertEquals(live.getJsonArray("items"), view.getJsonArray("items"));
        readYourWrites.await(CartsWithProducts.ID, position(added));
        assertEquals(2, Http.json(http.get("api/products/" + tea + "/carts")).asJsonArray().size());

        // a rebuild from scratch reads the old version again
        AdminApi admin = new AdminApi(base);
        for (String listener : List.of(Carts.ID, CartsWithProducts.ID)) {
            assertEquals(200, admin.send("POST", "api/admin/listeners/" + listener + "/reset").statusCode());
            readYourWrites.await(listener, position(added));
        }
        JsonObject rebuilt = Http.json(http.get("api/carts/" + cart)).asJsonObject();
        assertEquals(live.getJsonArray("items"), rebuilt.getJsonArray("items"));
        assertEquals(2, Http.json(http.get("api/products/" + tea + "/carts")).asJsonArray().size());
    }
}

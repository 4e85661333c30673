package dev.pgevents.cart;

import static dev.pgevents.cart.CartFixtures.CART;
import static dev.pgevents.cart.CartFixtures.ITEM_1;
import static dev.pgevents.cart.CartFixtures.ITEM_2;
import static dev.pgevents.cart.CartFixtures.TEA;
import static dev.pgevents.cart.CartFixtures.add;
import static dev.pgevents.cart.CartFixtures.price;
import static dev.pgevents.decision.testing.DecisionScenario.givenRecorded;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pgevents.cart.CartEvent.CartCreated;
import dev.pgevents.cart.CartEvent.CartItemAdded;
import dev.pgevents.cart.CartEvent.CartItemRemoved;
import dev.pgevents.decision.testing.DecisionScenario;
import dev.pgevents.eventstore.EventCodec;
import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.JsonbEventSerializer;
import dev.pgevents.eventstore.Metadata;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.eventstore.StoredEvent;
import dev.pgevents.eventstore.UnknownTypePolicy;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Schema evolution (book chapter 28): a stored version-1 CartItemAdded reads as version 2 with the default fingerprint. */
class CartItemAddedVersionsTest {

    static final String V1_PAYLOAD = "{\"cartId\":\"" + CART + "\",\"itemId\":\"" + ITEM_1 + "\",\"productId\":\"" + TEA
            + "\",\"description\":\"Tea\",\"image\":\"tea.png\",\"price\":2.5}";

    private final EventCodec codec = new EventCodec(new EventTypeRegistry().register(CartEventTypes.FINGERPRINT_ADDED)
            .register(CartEvent.class).register(ProductEvent.class), new JsonbEventSerializer());

    @Test
    void theCurrentVersionIsTwo() {
        assertEquals(2, codec.registry().version(CartItemAdded.class));
        assertEquals("CartItemAdded", codec.registry().typeName(CartItemAdded.class));
    }

    @Test
    void aVersionOnePayloadReadsWithTheDefaultFingerprint() {
        assertEquals(new CartItemAdded(CART, ITEM_1, TEA, "Tea", "tea.png", price("2.50"), "default-fingerprint"),
                decodeV1(2).event());
    }

    @Test
    void aDecisionFoldsTheUpcastEventLikeAnyOther() {
        List<RecordedEvent> history = List.of(
                DecisionScenario.recorded(1, UUID.randomUUID(), new CartCreated(CART), Metadata.empty()), decodeV1(2));
        givenRecorded(history).when(add(ITEM_1, TEA, "1")).thenRejected("item-already-in-cart");
        givenRecorded(history).when(new RemoveItem(CART, ITEM_1)).thenEvents(new CartItemRemoved(CART, ITEM_1));
        givenRecorded(history).when(add(ITEM_2, TEA, "1")).thenEvents(CartFixtures.added(ITEM_2, TEA, "1"));
        CartState cart = CartState.of(CART).evolve(history.get(0)).evolve(history.get(1));
        assertEquals("default-fingerprint", CartItems.view(cart).orElseThrow().items().get(0).fingerprint());
    }

    private RecordedEvent decodeV1(long position) {
        return codec.decode(new StoredEvent(position, UUID.randomUUID(), "CartItemAdded", 1,
                Set.of("cart:" + CART, "product:" + TEA), V1_PAYLOAD, "{}", Instant.EPOCH), UnknownTypePolicy.FAIL);
    }
}

package dev.pgevents.cart;

import static dev.pgevents.cart.CartFixtures.CAKE;
import static dev.pgevents.cart.CartFixtures.CART;
import static dev.pgevents.cart.CartFixtures.ITEM_1;
import static dev.pgevents.cart.CartFixtures.TEA;
import static dev.pgevents.cart.CartFixtures.added;
import static dev.pgevents.cart.CartFixtures.price;
import static dev.pgevents.decision.testing.DecisionScenario.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.pgevents.cart.CartEvent.CartCreated;
import dev.pgevents.cart.CartEvent.CartPublicationFailed;
import dev.pgevents.cart.CartEvent.CartPublished;
import dev.pgevents.cart.CartEvent.CartSubmitted;
import dev.pgevents.cart.CartEvent.OrderedProduct;
import dev.pgevents.cart.CartPublication.RecordPublicationFailed;
import dev.pgevents.cart.CartPublication.RecordPublished;
import dev.pgevents.decision.testing.DecisionScenario;
import dev.pgevents.eventstore.Metadata;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CartPublicationTest {

    private static final CartSubmitted SUBMITTED = new CartSubmitted(CART,
            List.of(new OrderedProduct(TEA, price("2.5")), new OrderedProduct(CAKE, price("10"))), price("12.5"));

    @Test
    void aSubmittedCartIsPublishedOnce() {
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"), SUBMITTED)
                .when(new RecordPublished(CART)).thenEvents(new CartPublished(CART));
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"), SUBMITTED, new CartPublished(CART))
                .when(new RecordPublished(CART)).thenNoEvents();
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"), SUBMITTED, new CartPublicationFailed(CART, "down"))
                .when(new RecordPublished(CART)).thenNoEvents();
    }

    @Test
    void aFailureIsRecordedOnlyForACartNotPublishedYet() {
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"), SUBMITTED)
                .when(new RecordPublicationFailed(CART, "deadline passed"))
                .thenEvents(new CartPublicationFailed(CART, "deadline passed"));
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"), SUBMITTED, new CartPublished(CART))
                .when(new RecordPublicationFailed(CART, "late")).thenNoEvents();
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"))
                .when(new RecordPublicationFailed(CART, "not submitted")).thenNoEvents();
    }

    @Test
    void theFoldedStateKeepsTheSubmissionTheMessageIsBuiltFrom() {
        CartState cart = CartState.of(CART);
        List<dev.pgevents.eventstore.Event> history = List.of(new CartCreated(CART), added(ITEM_1, TEA, "1"), SUBMITTED,
                new CartPublished(CART));
        for (int i = 0; i < history.size(); i++) {
            cart = cart.evolve(DecisionScenario.recorded(i + 1, UUID.randomUUID(), history.get(i), Metadata.empty()));
        }
        assertEquals(CartStatus.PUBLISHED, cart.status());
        assertEquals(SUBMITTED, cart.submission());
        assertNull(CartState.of(CART).submission());
    }

    @Test
    void theMessageCarriesTheCartIdTheOrderedProductsAndTheTotalAsNumbers() {
        assertEquals("{\"cartId\":\"" + CART + "\",\"orderedProducts\":[{\"productId\":\"" + TEA + "\",\"price\":2.50},"
                + "{\"productId\":\"" + CAKE + "\",\"price\":10.00}],\"totalPrice\":12.50}", CartPublication.message(SUBMITTED));
    }
}

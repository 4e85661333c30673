package dev.pgevents.cart;

import static dev.pgevents.cart.CartFixtures.CAKE;
import static dev.pgevents.cart.CartFixtures.CART;
import static dev.pgevents.cart.CartFixtures.ITEM_1;
import static dev.pgevents.cart.CartFixtures.ITEM_2;
import static dev.pgevents.cart.CartFixtures.ITEM_3;
import static dev.pgevents.cart.CartFixtures.TEA;
import static dev.pgevents.cart.CartFixtures.added;
import static dev.pgevents.cart.CartFixtures.price;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.cart.CartEvent.CartCleared;
import dev.pgevents.cart.CartEvent.CartCreated;
import dev.pgevents.cart.CartEvent.CartItemRemoved;
import dev.pgevents.cart.CartEvent.ItemArchived;
import dev.pgevents.cart.CartItems.CartItemsView;
import dev.pgevents.cart.CartItems.ItemView;
import dev.pgevents.decision.testing.DecisionScenario;
import dev.pgevents.eventstore.Event;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Given events, then the live projection: the fold alone. */
class CartItemsTest {

    @Test
    void theItemsInTheOrderAddedWithTheirTotal() {
        CartItemsView view = project(new CartCreated(CART), added(ITEM_1, TEA, "2.50"), added(ITEM_2, CAKE, "3"),
                added(ITEM_3, TEA, "0.01"), new CartItemRemoved(CART, ITEM_2), new ItemArchived(CART, ITEM_3, 5));
        assertEquals(new CartItemsView(CART, price("2.50"), List.of(
                new ItemView(ITEM_1, TEA, "item " + ITEM_1, "img.png", price("2.50"), "fp-" + ITEM_1))), view);
        assertEquals(price("6.51"), project(new CartCreated(CART), added(ITEM_1, TEA, "2.50"), added(ITEM_2, CAKE, "3"),
                added(ITEM_3, TEA, "1.01")).totalPrice());
    }

    @Test
    void aClearedCartIsEmptyAndAnUnknownCartHasNoProjection() {
        CartItemsView cleared = project(new CartCreated(CART), added(ITEM_1, TEA, "2.50"), new CartCleared(CART));
        assertEquals(List.of(), cleared.items());
        assertEquals(price("0.00"), cleared.totalPrice());
        assertTrue(CartItems.view(CartState.of(UUID.randomUUID())).isEmpty());
    }

    private static CartItemsView project(Event... events) {
        CartState cart = CartState.of(CART);
        List<Event> history = List.of(events);
        for (int i = 0; i < history.size(); i++) {
            cart = cart.evolve(DecisionScenario.recorded(i + 1, UUID.randomUUID(), history.get(i),
                    dev.pgevents.eventstore.Metadata.empty()));
        }
        return CartItems.view(cart).orElseThrow();
    }
}

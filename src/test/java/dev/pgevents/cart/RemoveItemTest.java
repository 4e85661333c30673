package dev.pgevents.cart;

import static dev.pgevents.cart.CartFixtures.CART;
import static dev.pgevents.cart.CartFixtures.ITEM_1;
import static dev.pgevents.cart.CartFixtures.ITEM_2;
import static dev.pgevents.cart.CartFixtures.TEA;
import static dev.pgevents.cart.CartFixtures.added;
import static dev.pgevents.decision.testing.DecisionScenario.given;

import dev.pgevents.cart.CartEvent.CartCleared;
import dev.pgevents.cart.CartEvent.CartCreated;
import dev.pgevents.cart.CartEvent.CartItemRemoved;
import dev.pgevents.cart.CartEvent.CartSubmitted;
import dev.pgevents.cart.CartEvent.ItemArchived;
import dev.pgevents.cart.CartEvent.OrderedProduct;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class RemoveItemTest {

    @Test
    void anItemInTheCartIsRemoved() {
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"))
                .when(new RemoveItem(CART, ITEM_1))
                .thenEvents(new CartItemRemoved(CART, ITEM_1));
    }

    @Test
    void theCartMustExist() {
        given().when(new RemoveItem(CART, ITEM_1)).thenRejected(CartRejections.NotFound.class).thenRejected("cart-not-found");
    }

    @Test
    void theItemMustBeInTheCart() {
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"))
                .when(new RemoveItem(CART, ITEM_2)).thenRejected(CartRejections.NotFound.class).thenRejected("item-not-in-cart");
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"), new CartItemRemoved(CART, ITEM_1))
                .when(new RemoveItem(CART, ITEM_1)).thenRejected("item-not-in-cart");
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"), new CartCleared(CART))
                .when(new RemoveItem(CART, ITEM_1)).thenRejected("item-not-in-cart");
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"), new ItemArchived(CART, ITEM_1, 3))
                .when(new RemoveItem(CART, ITEM_1)).thenRejected("item-not-in-cart");
    }

    @Test
    void aSubmittedCartDoesNotChange() {
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"),
                new CartSubmitted(CART, List.of(new OrderedProduct(TEA, BigDecimal.ONE)), BigDecimal.ONE))
                .when(new RemoveItem(CART, ITEM_1))
                .thenRejected("cart-submitted");
    }
}

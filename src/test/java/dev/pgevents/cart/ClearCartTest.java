package dev.pgevents.cart;

import static dev.pgevents.cart.CartFixtures.CART;
import static dev.pgevents.cart.CartFixtures.ITEM_1;
import static dev.pgevents.cart.CartFixtures.TEA;
import static dev.pgevents.cart.CartFixtures.added;
import static dev.pgevents.decision.testing.DecisionScenario.given;

import dev.pgevents.cart.CartEvent.CartCleared;
import dev.pgevents.cart.CartEvent.CartCreated;
import dev.pgevents.cart.CartEvent.CartSubmitted;
import dev.pgevents.cart.CartEvent.OrderedProduct;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClearCartTest {

    @Test
    void anOpenCartIsCleared() {
        given(new CartCreated(CART), added(ITEM_1, TEA, "1")).when(new ClearCart(CART)).thenEvents(new CartCleared(CART));
        given(new CartCreated(CART)).when(new ClearCart(CART)).thenEvents(new CartCleared(CART));
    }

    @Test
    void theCartMustExist() {
        given().when(new ClearCart(CART)).thenRejected("cart-not-found");
    }

    @Test
    void aSubmittedCartDoesNotChange() {
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"),
                new CartSubmitted(CART, List.of(new OrderedProduct(TEA, BigDecimal.ONE)), BigDecimal.ONE))
                .when(new ClearCart(CART))
                .thenRejected("cart-submitted");
    }
}

package dev.pgevents.cart;

import static dev.pgevents.cart.CartFixtures.CAKE;
import static dev.pgevents.cart.CartFixtures.CART;
import static dev.pgevents.cart.CartFixtures.ITEM_1;
import static dev.pgevents.cart.CartFixtures.ITEM_2;
import static dev.pgevents.cart.CartFixtures.ITEM_3;
import static dev.pgevents.cart.CartFixtures.TEA;
import static dev.pgevents.cart.CartFixtures.added;
import static dev.pgevents.cart.CartFixtures.price;
import static dev.pgevents.decision.testing.DecisionScenario.given;

import dev.pgevents.cart.CartEvent.CartCleared;
import dev.pgevents.cart.CartEvent.CartCreated;
import dev.pgevents.cart.CartEvent.CartItemRemoved;
import dev.pgevents.cart.CartEvent.CartSubmitted;
import dev.pgevents.cart.CartEvent.ItemArchived;
import dev.pgevents.cart.CartEvent.OrderedProduct;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubmitCartTest {

    @Test
    void submittingCarriesTheProductsInTheOrderAddedAndTheTotal() {
        given(new CartCreated(CART), added(ITEM_1, TEA, "2.50"), added(ITEM_2, CAKE, "3.10"), added(ITEM_3, TEA, "1"),
                new CartItemRemoved(CART, ITEM_1), added(ITEM_1, CAKE, "0.05"), new ItemArchived(CART, ITEM_3, 6))
                .when(new SubmitCart(CART))
                .thenEvents(new CartSubmitted(CART, List.of(new OrderedProduct(CAKE, price("3.10")),
                        new OrderedProduct(CAKE, price("0.05"))), price("3.15")));
    }

    @Test
    void theCartMustExistHoldAnItemAndNotBeSubmittedYet() {
        given().when(new SubmitCart(CART)).thenRejected("cart-not-found");
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"), new CartCleared(CART))
                .when(new SubmitCart(CART)).thenRejected("cart-empty");
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"),
                new CartSubmitted(CART, List.of(new OrderedProduct(TEA, price("1"))), price("1")))
                .when(new SubmitCart(CART)).thenRejected("cart-submitted");
    }
}

package dev.pgevents.cart;

import static dev.pgevents.cart.CartFixtures.CAKE;
import static dev.pgevents.cart.CartFixtures.TEA;
import static dev.pgevents.cart.CartFixtures.price;
import static dev.pgevents.decision.testing.DecisionScenario.given;

import dev.pgevents.cart.ProductEvent.InventoryChanged;
import dev.pgevents.cart.ProductEvent.PriceChanged;
import org.junit.jupiter.api.Test;

class ChangePriceTest {

    @Test
    void theFirstPriceHasNoOldPrice() {
        given(new InventoryChanged(TEA, 4)).when(new ChangePrice(TEA, price("2")))
                .thenEvents(new PriceChanged(TEA, null, price("2")));
    }

    @Test
    void theOldPriceIsTheProductsLastNewPrice() {
        given(new PriceChanged(TEA, null, price("2")), new PriceChanged(CAKE, null, price("9")),
                new PriceChanged(TEA, price("2"), price("2.25")))
                .when(new ChangePrice(TEA, price("1.99")))
                .thenEvents(new PriceChanged(TEA, price("2.25"), price("1.99")));
    }
}

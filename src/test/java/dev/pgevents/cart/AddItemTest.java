package dev.pgevents.cart;

import static dev.pgevents.cart.CartFixtures.CAKE;
import static dev.pgevents.cart.CartFixtures.CART;
import static dev.pgevents.cart.CartFixtures.ITEM_1;
import static dev.pgevents.cart.CartFixtures.ITEM_2;
import static dev.pgevents.cart.CartFixtures.ITEM_3;
import static dev.pgevents.cart.CartFixtures.ITEM_4;
import static dev.pgevents.cart.CartFixtures.TEA;
import static dev.pgevents.cart.CartFixtures.add;
import static dev.pgevents.cart.CartFixtures.added;
import static dev.pgevents.decision.testing.DecisionScenario.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.cart.CartEvent.CartCleared;
import dev.pgevents.cart.CartEvent.CartCreated;
import dev.pgevents.cart.CartEvent.CartItemRemoved;
import dev.pgevents.cart.CartEvent.CartSubmitted;
import dev.pgevents.cart.CartEvent.ItemArchived;
import dev.pgevents.cart.CartEvent.OrderedProduct;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AddItemTest {

    @Test
    void theFirstAddCreatesTheCart() {
        given().when(add(ITEM_1, TEA, "2.50")).thenEvents(new CartCreated(CART), added(ITEM_1, TEA, "2.50"));
    }

    @Test
    void laterAddsOnlyAddTheItem() {
        given(new CartCreated(CART), added(ITEM_1, TEA, "2.50"))
                .when(add(ITEM_2, CAKE, "3"))
                .thenEvents(added(ITEM_2, CAKE, "3.00"));
    }

    @Test
    void aCartHoldsAtMostThreeItems() {
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"), added(ITEM_2, TEA, "1"), added(ITEM_3, TEA, "1"))
                .when(add(ITEM_4, TEA, "1"))
                .thenRejected("cart-full");
    }

    @Test
    void removedClearedAndArchivedItemsFreeTheirPlaces() {
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"), added(ITEM_2, TEA, "1"), added(ITEM_3, TEA, "1"),
                new CartItemRemoved(CART, ITEM_1))
                .when(add(ITEM_4, TEA, "1")).thenEvents(added(ITEM_4, TEA, "1"));
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"), added(ITEM_2, TEA, "1"), added(ITEM_3, TEA, "1"),
                new ItemArchived(CART, ITEM_2, 5))
                .when(add(ITEM_4, TEA, "1")).thenEvents(added(ITEM_4, TEA, "1"));
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"), added(ITEM_2, TEA, "1"), added(ITEM_3, TEA, "1"),
                new CartCleared(CART))
                .when(add(ITEM_1, TEA, "1")).thenEvents(added(ITEM_1, TEA, "1"));
    }

    @Test
    void anItemIdIsInACartOnce() {
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"))
                .when(add(ITEM_1, CAKE, "2"))
                .thenRejected("item-already-in-cart");
    }

    @Test
    void aSubmittedCartDoesNotChange() {
        given(new CartCreated(CART), added(ITEM_1, TEA, "1"),
                new CartSubmitted(CART, List.of(new OrderedProduct(TEA, new BigDecimal("1"))), new BigDecimal("1")))
                .when(add(ITEM_2, TEA, "1"))
                .thenRejected("cart-submitted");
    }

    @Test
    void theRequestBodyIsReadWithTheFieldRulesAndTheServersFingerprint() {
        UUID fingerprint = UUID.randomUUID();
        AddItem command = AddItem.from(CART, json("{\"itemId\":\"" + ITEM_1 + "\",\"productId\":\"" + TEA
                + "\",\"description\":\"Tea\",\"image\":\"tea.png\",\"price\":\"12.5\",\"fingerprint\":\"mine\"}"), fingerprint);
        assertEquals(new AddItem(CART, ITEM_1, TEA, "Tea", "tea.png", new BigDecimal("12.50"), fingerprint.toString()), command);

        String valid = "\"itemId\":\"" + ITEM_1 + "\",\"productId\":\"" + TEA + "\",\"description\":\"Tea\",\"image\":\"t\"";
        refused("price is required", "{" + valid + "}");
        refused("price must have at most 2 fraction digits", "{" + valid + ",\"price\":1.234}");
        refused("price must not be negative", "{" + valid + ",\"price\":-1}");
        refused("price must be a decimal number", "{" + valid + ",\"price\":\"1e3\"}");
        refused("price must be a number or a numeric string, not a boolean", "{" + valid + ",\"price\":true}");
        refused("itemId must be a UUID in canonical form", "{" + valid.replace(ITEM_1.toString(), "1-1-1-1-1") + ",\"price\":1}");
        refused("productId must be a UUID string, not a number", "{\"itemId\":\"" + ITEM_1
                + "\",\"productId\":5,\"description\":\"Tea\",\"image\":\"t\",\"price\":1}");
        refused("description is required", "{\"itemId\":\"" + ITEM_1 + "\",\"productId\":\"" + TEA
                + "\",\"image\":\"t\",\"price\":1}");
    }

    private static void refused(String message, String body) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AddItem.from(CART, json(body), UUID.randomUUID()));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}

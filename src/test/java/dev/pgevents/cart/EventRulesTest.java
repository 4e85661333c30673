package dev.pgevents.cart;

import static dev.pgevents.cart.CartFixtures.CART;
import static dev.pgevents.cart.CartFixtures.ITEM_1;
import static dev.pgevents.cart.CartFixtures.TEA;
import static dev.pgevents.cart.CartFixtures.added;
import static dev.pgevents.cart.CartFixtures.price;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.cart.CartEvent.CartItemAdded;
import dev.pgevents.cart.CartEvent.CartSubmitted;
import dev.pgevents.cart.CartEvent.OrderedProduct;
import dev.pgevents.cart.ProductEvent.InventoryChanged;
import dev.pgevents.cart.ProductEvent.PriceChanged;
import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.JsonbEventSerializer;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Every event refuses values the read models and decisions could not take, and survives a JSON round trip exactly. */
class EventRulesTest {

    @Test
    void pricesAreExactNonNegativeWithAtMostTwoFractionDigitsAndKeptWithTwo() {
        assertEquals(new BigDecimal("12.50"), added(ITEM_1, TEA, "12.5").price());
        assertEquals(new BigDecimal("100.00"), new PriceChanged(TEA, null, new BigDecimal("1E+2")).newPrice());
        assertEquals(new BigDecimal("0.00"), added(ITEM_1, TEA, "0").price());
        assertEquals(new BigDecimal("1.20"), added(ITEM_1, TEA, "1.2000").price());
        refused("price must not be negative", () -> added(ITEM_1, TEA, "-0.01"));
        refused("price must have at most 2 fraction digits", () -> added(ITEM_1, TEA, "0.001"));
        refused("price must be at most 999999999999.99", () -> added(ITEM_1, TEA, "1E+12"));
        refused("newPrice is required", () -> new PriceChanged(TEA, BigDecimal.ONE, null));
        refused("oldPrice must not be negative", () -> new PriceChanged(TEA, BigDecimal.ONE.negate(), BigDecimal.ONE));
    }

    @Test
    void idsAndTextsAreRequired() {
        refused("cartId is required", () -> new CartItemAdded(null, ITEM_1, TEA, "d", "i", BigDecimal.ONE, "f"));
        refused("description is required", () -> new CartItemAdded(CART, ITEM_1, TEA, null, "i", BigDecimal.ONE, "f"));
        refused("description contains the character U+0000", () -> new CartItemAdded(CART, ITEM_1, TEA, "a\u0000", "i",
                BigDecimal.ONE, "f"));
        refused("orderedProducts must hold at least one product", () -> new CartSubmitted(CART, List.of(), BigDecimal.ONE));
        refused("inventory must not be negative", () -> new InventoryChanged(TEA, -1));
        refused("productId is required", () -> new InventoryChanged(null, 1));
    }

    @Test
    void idsAreUuidsInCanonicalForm() {
        assertEquals(CART, Fields.id("cartId", CART.toString()));
        assertEquals(CART, Fields.id("cartId", CART.toString().toUpperCase()));
        for (String bad : List.of("1-1-1-1-1", "0a000000000040008000000000000001", "{" + CART + "}", "x", "",
                CART + " ", "0a000000-0000-4000-8000-00000000000g")) {
            refused("cartId must be a UUID in canonical form", () -> Fields.id("cartId", bad));
        }
    }

    @Test
    void eventsTagTheirCartAndProduct() {
        assertEquals(Set.of("cart:" + CART, "product:" + TEA), EventTypeRegistry.tagsFor(added(ITEM_1, TEA, "1")));
        assertEquals(Set.of("product:" + TEA), EventTypeRegistry.tagsFor(new PriceChanged(TEA, null, BigDecimal.ONE)));
    }

    @Test
    void eventsSurviveTheStoresJsonExactly() throws Exception {
        try (JsonbEventSerializer json = new JsonbEventSerializer()) {
            CartSubmitted submitted = new CartSubmitted(CART, List.of(new OrderedProduct(TEA, price("0.10")),
                    new OrderedProduct(UUID.randomUUID(), price("999999999999.99"))), price("1000000000000.09"));
            assertEquals(submitted, json.deserialize(json.serialize(submitted), CartSubmitted.class));
            CartItemAdded item = added(ITEM_1, TEA, "0.30");
            assertEquals(item, json.deserialize(json.serialize(item), CartItemAdded.class));
            PriceChanged change = new PriceChanged(TEA, null, price("0.07"));
            assertEquals(change, json.deserialize(json.serialize(change), PriceChanged.class));
        }
    }

    private static void refused(String message, Supplier<?> construction) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construction::get);
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }
}

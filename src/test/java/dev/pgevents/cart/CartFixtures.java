package dev.pgevents.cart;

import dev.pgevents.cart.CartEvent.CartItemAdded;
import java.math.BigDecimal;
import java.util.UUID;

/** Ids and events the cart tests share. */
final class CartFixtures {

    static final UUID CART = UUID.fromString("0a000000-0000-4000-8000-000000000001");
    static final UUID ITEM_1 = UUID.fromString("1a000000-0000-4000-8000-000000000001");
    static final UUID ITEM_2 = UUID.fromString("1a000000-0000-4000-8000-000000000002");
    static final UUID ITEM_3 = UUID.fromString("1a000000-0000-4000-8000-000000000003");
    static final UUID ITEM_4 = UUID.fromString("1a000000-0000-4000-8000-000000000004");
    static final UUID TEA = UUID.fromString("2a000000-0000-4000-8000-000000000001");
    static final UUID CAKE = UUID.fromString("2a000000-0000-4000-8000-000000000002");

    private CartFixtures() {
    }

    static BigDecimal price(String text) {
        return new BigDecimal(text);
    }

    static CartItemAdded added(UUID itemId, UUID productId, String price) {
        return new CartItemAdded(CART, itemId, productId, "item " + itemId, "img.png", price(price), "fp-" + itemId);
    }

    static AddItem add(UUID itemId, UUID productId, String price) {
        return new AddItem(CART, itemId, productId, "item " + itemId, "img.png", price(price), "fp-" + itemId);
    }
}

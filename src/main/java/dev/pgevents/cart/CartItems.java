package dev.pgevents.cart;

import dev.pgevents.eventstore.EventStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Slice: the live projection of a cart's items ({@code GET /api/carts/{cartId}/items}, book chapter
 * 22), folded from the cart's events on each request: always current, no read model behind it.
 */
@ApplicationScoped
public class CartItems {

    @JsonbPropertyOrder({"cartId", "totalPrice", "items"})
    public record CartItemsView(UUID cartId, BigDecimal totalPrice, List<ItemView> items) {
    }

    @JsonbPropertyOrder({"itemId", "productId", "description", "image", "price", "fingerprint"})
    public record ItemView(UUID itemId, UUID productId, String description, String image, BigDecimal price,
                           String fingerprint) {
    }

    @Inject
    EventStore store;

    /** The cart's items now, or empty if the cart does not exist. */
    public Optional<CartItemsView> find(UUID cartId) {
        return view(CartState.read(store, cartId));
    }

    /** The projection of a folded cart. */
    static Optional<CartItemsView> view(CartState cart) {
        if (!cart.exists()) {
            return Optional.empty();
        }
        List<ItemView> items = cart.items().stream().map(i -> i.added()).map(a -> new ItemView(a.itemId(),
                a.productId(), a.description(), a.image(), a.price(), a.fingerprint())).toList();
        return Optional.of(new CartItemsView(cart.cartId(), cart.totalPrice(), items));
    }
}

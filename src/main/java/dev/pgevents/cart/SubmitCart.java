package dev.pgevents.cart;

import dev.pgevents.cart.CartEvent.CartSubmitted;
import dev.pgevents.cart.CartEvent.OrderedProduct;
import dev.pgevents.decision.Decision;
import dev.pgevents.decision.State;
import dev.pgevents.decision.States;
import java.util.List;
import java.util.UUID;

/**
 * Slice: submit a cart ({@code POST /api/carts/{cartId}/submit}). The cart must exist, hold an item
 * and not be submitted yet. CartSubmitted carries each item's product and price in the order added,
 * and the total; from then on the cart does not change and price changes do not archive its items.
 */
public record SubmitCart(UUID cartId) implements Decision {

    @Override
    public List<State<?>> initialStates() {
        return List.of(CartState.of(cartId));
    }

    @Override
    public List<CartSubmitted> process(States states) {
        CartState cart = states.get(CartState.class).open();
        if (cart.items().isEmpty()) {
            throw CartRejections.rule("cart-empty", "cart " + cartId + " holds no items");
        }
        List<OrderedProduct> products = cart.items().stream()
                .map(i -> new OrderedProduct(i.added().productId(), i.added().price())).toList();
        return List.of(new CartSubmitted(cartId, products, cart.totalPrice()));
    }
}

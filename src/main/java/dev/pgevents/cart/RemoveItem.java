package dev.pgevents.cart;

import dev.pgevents.cart.CartEvent.CartItemRemoved;
import dev.pgevents.decision.Decision;
import dev.pgevents.decision.State;
import dev.pgevents.decision.States;
import java.util.List;
import java.util.UUID;

/**
 * Slice: remove an item ({@code DELETE /api/carts/{cartId}/items/{itemId}}). The cart must exist and
 * be open, and hold the item (not removed, cleared or archived before).
 */
public record RemoveItem(UUID cartId, UUID itemId) implements Decision {

    @Override
    public List<State<?>> initialStates() {
        return List.of(CartState.of(cartId));
    }

    @Override
    public List<CartItemRemoved> process(States states) {
        CartState cart = states.get(CartState.class).open();
        if (cart.item(itemId).isEmpty()) {
            throw new CartRejections.NotFound("item-not-in-cart", "item " + itemId + " is not in cart " + cartId);
        }
        return List.of(new CartItemRemoved(cartId, itemId));
    }
}

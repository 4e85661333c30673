package dev.pgevents.cart;

import dev.pgevents.cart.CartEvent.CartCleared;
import dev.pgevents.decision.Decision;
import dev.pgevents.decision.State;
import dev.pgevents.decision.States;
import java.util.List;
import java.util.UUID;

/** Slice: clear a cart ({@code DELETE /api/carts/{cartId}/items}). The cart must exist and be open. */
public record ClearCart(UUID cartId) implements Decision {

    @Override
    public List<State<?>> initialStates() {
        return List.of(CartState.of(cartId));
    }

    @Override
    public List<CartCleared> process(States states) {
        states.get(CartState.class).open();
        return List.of(new CartCleared(cartId));
    }
}

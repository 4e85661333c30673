package dev.pgevents.cart;

import dev.pgevents.cart.CartEvent.ItemArchived;
import dev.pgevents.decision.Decision;
import dev.pgevents.decision.State;
import dev.pgevents.decision.States;
import java.util.List;
import java.util.UUID;

/**
 * Slice: archive an item because its product's price changed (book chapter 26; run by the archive
 * automation in {@link CartsWithProducts}). Idempotent, so the same PriceChanged handled twice
 * (redelivery, replay, rebuild) archives nothing twice: it archives only an item that is in an open
 * cart now, of that product, and was added before the price change; otherwise it appends nothing.
 */
public record ArchiveItem(UUID cartId, UUID itemId, UUID productId, long priceChangedPosition) implements Decision {

    @Override
    public List<State<?>> initialStates() {
        return List.of(CartState.of(cartId));
    }

    @Override
    public List<ItemArchived> process(States states) {
        CartState cart = states.get(CartState.class);
        if (!cart.exists() || cart.submitted()) {
            return List.of();
        }
        return cart.item(itemId)
                .filter(i -> i.added().productId().equals(productId) && i.addedAt() < priceChangedPosition)
                .map(i -> List.of(new ItemArchived(cartId, itemId, priceChangedPosition)))
                .orElse(List.of());
    }
}

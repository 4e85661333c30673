package dev.pgevents.cart;

import dev.pgevents.cart.CartEvent.CartCreated;
import dev.pgevents.cart.CartEvent.CartItemAdded;
import dev.pgevents.decision.Decision;
import dev.pgevents.decision.State;
import dev.pgevents.decision.States;
import dev.pgevents.eventstore.Event;
import jakarta.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Slice: add an item to a cart ({@code POST /api/carts/{cartId}/items}). The first add creates the
 * cart (CartCreated, then CartItemAdded). A cart holds at most {@value CartState#MAX_ITEMS} items,
 * an item id is in a cart once, a submitted cart does not change. The fingerprint is the server's,
 * chosen before the decision runs (so a conflict retry adds the same item).
 */
public record AddItem(UUID cartId, UUID itemId, UUID productId, String description, String image, BigDecimal price,
                      String fingerprint) implements Decision {

    /** The command of an HTTP body {"itemId","productId","description","image","price"}; a fingerprint in it is ignored. */
    public static AddItem from(UUID cartId, JsonObject body, UUID fingerprint) {
        return new AddItem(cartId, Fields.id(body, "itemId"), Fields.id(body, "productId"), Fields.text(body, "description"),
                Fields.text(body, "image"), Fields.price(body, "price", true), fingerprint.toString());
    }

    @Override
    public List<State<?>> initialStates() {
        return List.of(CartState.of(cartId));
    }

    @Override
    public List<Event> process(States states) {
        CartState cart = states.get(CartState.class);
        if (cart.exists()) {
            cart.open();
        }
        if (cart.item(itemId).isPresent()) {
            throw CartRejections.rule("item-already-in-cart", "item " + itemId + " is already in cart " + cartId);
        }
        if (cart.items().size() >= CartState.MAX_ITEMS) {
            throw CartRejections.rule("cart-full", "cart " + cartId + " already holds " + CartState.MAX_ITEMS + " items");
        }
        List<Event> events = new ArrayList<>(2);
        if (!cart.exists()) {
            events.add(new CartCreated(cartId));
        }
        events.add(new CartItemAdded(cartId, itemId, productId, description, image, price, fingerprint));
        return events;
    }
}

package dev.pgevents.cart;

import dev.pgevents.cart.CartEvent.CartCleared;
import dev.pgevents.cart.CartEvent.CartCreated;
import dev.pgevents.cart.CartEvent.CartItemAdded;
import dev.pgevents.cart.CartEvent.CartItemRemoved;
import dev.pgevents.cart.CartEvent.CartPublicationFailed;
import dev.pgevents.cart.CartEvent.CartPublished;
import dev.pgevents.cart.CartEvent.CartSubmitted;
import dev.pgevents.cart.CartEvent.ItemArchived;
import dev.pgevents.decision.State;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.EventStream;
import dev.pgevents.eventstore.ReadOptions;
import dev.pgevents.eventstore.RecordedEvent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A cart as the cart commands and the live projection need it: folded from every event tagged with
 * the cart. {@link #items()} are the items in the cart now (not removed, cleared or archived), in
 * the order they were added, each with the position of its CartItemAdded. {@link #submission()} is
 * the cart's CartSubmitted, null until it is submitted.
 */
public record CartState(UUID cartId, boolean exists, CartStatus status, List<Item> items, CartSubmitted submission)
        implements State<CartState> {

    /** The most items a cart holds. */
    public static final int MAX_ITEMS = 3;

    public record Item(CartItemAdded added, long addedAt) {
    }

    public CartState {
        items = List.copyOf(items);
    }

    public static CartState of(UUID cartId) {
        return new CartState(cartId, false, CartStatus.OPEN, List.of(), null);
    }

    /**
     * The cart as the store holds it now, read without the decision's locks (queries, the
     * processor): every committed event. Not capped at the safe position, which is for readers
     * that go on from the last position read: the cap costs a statement (the safe position and its
     * scan of pg_locks) per read, and would only ever hold back committed events.
     */
    public static CartState read(EventStore store, UUID cartId) {
        CartState cart = of(cartId);
        try (EventStream<RecordedEvent> events = store.read(cart.query(), ReadOptions.defaults().uncapped())) {
            Iterable<RecordedEvent> each = events.stream()::iterator;
            for (RecordedEvent e : each) {
                cart = cart.evolve(e);
            }
        }
        return cart;
    }

    @Override
    public EventQuery query() {
        return EventQuery.tagged("cart:" + cartId);
    }

    @Override
    public CartState evolve(RecordedEvent event) {
        Object e = event.event();
        if (e instanceof CartCreated) {
            return new CartState(cartId, true, status, items, submission);
        } else if (e instanceof CartItemAdded a) {
            List<Item> more = new ArrayList<>(items);
            more.add(new Item(a, event.position()));
            return new CartState(cartId, exists, status, more, submission);
        } else if (e instanceof CartItemRemoved r) {
            return without(r.itemId());
        } else if (e instanceof ItemArchived a) {
            return without(a.itemId());
        } else if (e instanceof CartCleared) {
            return new CartState(cartId, exists, status, List.of(), submission);
        } else if (e instanceof CartSubmitted s) {
            return new CartState(cartId, exists, CartStatus.SUBMITTED, items, s);
        } else if (e instanceof CartPublished) {
            return withStatus(CartStatus.PUBLISHED);
        } else if (e instanceof CartPublicationFailed) {
            return withStatus(CartStatus.PUBLICATION_FAILED);
        }
        return this;
    }

    public boolean submitted() {
        return status != CartStatus.OPEN;
    }

    public Optional<Item> item(UUID itemId) {
        return items.stream().filter(i -> i.added().itemId().equals(itemId)).findFirst();
    }

    public BigDecimal totalPrice() {
        return items.stream().map(i -> i.added().price()).reduce(BigDecimal.ZERO.setScale(Fields.PRICE_SCALE), BigDecimal::add);
    }

    /** The cart, or a 404 rejection. */
    public CartState existing() {
        if (!exists) {
            throw new CartRejections.NotFound("cart-not-found", "cart " + cartId + " does not exist");
        }
        return this;
    }

    /** The cart, existing and not submitted, or a rejection. */
    public CartState open() {
        existing();
        if (submitted()) {
            throw CartRejections.rule("cart-submitted", "cart " + cartId + " is submitted and cannot change");
        }
        return this;
    }

    private CartState without(UUID itemId) {
        return new CartState(cartId, exists, status, items.stream().filter(i -> !i.added().itemId().equals(itemId)).toList(),
                submission);
    }

    private CartState withStatus(CartStatus next) {
        return new CartState(cartId, exists, next, items, submission);
    }
}

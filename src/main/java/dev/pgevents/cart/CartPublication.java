package dev.pgevents.cart;

import dev.pgevents.cart.CartEvent.CartPublicationFailed;
import dev.pgevents.cart.CartEvent.CartPublished;
import dev.pgevents.cart.CartEvent.CartSubmitted;
import dev.pgevents.cart.CartEvent.OrderedProduct;
import dev.pgevents.decision.Decision;
import dev.pgevents.decision.State;
import dev.pgevents.decision.States;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.listener.EventListener;
import dev.pgevents.processor.TaskQueue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.util.List;
import java.util.UUID;

/**
 * Slice: publish a submitted cart (book chapter 27), the part in the store. The listener
 * {@value #LISTENER_ID} enqueues a {@value #TASK_TYPE} task for each CartSubmitted, in its own
 * transaction; the task queue is idempotent on (type, event position), so a replay or a reset of
 * the listener enqueues nothing twice and publishes nothing again. The task's argument is the cart
 * id; the handler ({@link PublishCart}) builds the message from the cart's CartSubmitted
 * ({@link #message}) and records the outcome with the decisions below: a cart is published, or
 * fails to be, at most once as far as the store is concerned.
 */
@ApplicationScoped
public class CartPublication implements EventListener {

    public static final String LISTENER_ID = "cart-publication";
    public static final String TASK_TYPE = "publish-cart";

    @Inject
    TaskQueue tasks;

    @Override
    public String id() {
        return LISTENER_ID;
    }

    @Override
    public EventQuery query() {
        return EventQuery.of(QueryItem.types(CartSubmitted.class));
    }

    @Override
    public void handle(RecordedEvent event) {
        UUID cartId = ((CartSubmitted) event.event()).cartId();
        tasks.enqueue(TASK_TYPE, Json.createObjectBuilder().add("cartId", cartId.toString()).build().toString(),
                event.position());
    }

    /** The message on the topic {@code published-carts}: {"cartId","orderedProducts":[{"productId","price"}],"totalPrice"}. */
    static String message(CartSubmitted submitted) {
        JsonArrayBuilder products = Json.createArrayBuilder();
        for (OrderedProduct p : submitted.orderedProducts()) {
            products.add(Json.createObjectBuilder().add("productId", p.productId().toString()).add("price", p.price()));
        }
        return Json.createObjectBuilder().add("cartId", submitted.cartId().toString()).add("orderedProducts", products)
                .add("totalPrice", submitted.totalPrice()).build().toString();
    }

    /** The cart went out: CartPublished, unless its publication is already recorded. */
    public record RecordPublished(UUID cartId) implements Decision {
        @Override
        public List<State<?>> initialStates() {
            return List.of(CartState.of(cartId));
        }

        @Override
        public List<CartPublished> process(States states) {
            return states.get(CartState.class).status() == CartStatus.SUBMITTED ? List.of(new CartPublished(cartId)) : List.of();
        }
    }

    /** Publishing failed for good: CartPublicationFailed, unless the publication is already recorded. */
    public record RecordPublicationFailed(UUID cartId, String reason) implements Decision {
        @Override
        public List<State<?>> initialStates() {
            return List.of(CartState.of(cartId));
        }

        @Override
        public List<CartPublicationFailed> process(States states) {
            return states.get(CartState.class).status() == CartStatus.SUBMITTED
                    ? List.of(new CartPublicationFailed(cartId, reason)) : List.of();
        }
    }
}

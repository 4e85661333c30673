package dev.pgevents.cart;

import dev.pgevents.cart.CartPublication.RecordPublicationFailed;
import dev.pgevents.cart.CartPublication.RecordPublished;
import dev.pgevents.decision.DecisionMaker;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.outbound.KafkaPublisher;
import dev.pgevents.outbound.OutboundMessage;
import dev.pgevents.processor.Task;
import dev.pgevents.processor.TaskHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import java.io.StringReader;
import java.util.UUID;

/**
 * Slice: publish a submitted cart (book chapter 27), the processor. Runs each {@value
 * CartPublication#TASK_TYPE} task outside any transaction: unless the cart is still submitted (its
 * outcome recorded already: a repeated task), it publishes the message of its CartSubmitted to
 * {@value #TOPIC} (key = cart id) and waits for the broker's acknowledgement, then appends CartPublished. A failed
 * attempt is retried with backoff until the deadline ({@code
 * pgevents.processor.publish-cart.retry.deadline}, 1 hour); then {@link #failed} appends
 * CartPublicationFailed.
 */
@ApplicationScoped
public class PublishCart implements TaskHandler {

    public static final String TOPIC = "published-carts";

    @Inject
    KafkaPublisher publisher;

    @Inject
    DecisionMaker decisions;

    @Inject
    EventStore store;

    @Override
    public String type() {
        return CartPublication.TASK_TYPE;
    }

    @Override
    public void handle(Task task) {
        UUID cartId = cartId(task);
        CartState cart = CartState.read(store, cartId);
        if (cart.status() != CartStatus.SUBMITTED) {
            return;
        }
        publisher.publish(new OutboundMessage(TOPIC, cartId.toString(), CartPublication.message(cart.submission()), null)
                .withMessageId(task.type() + "/" + task.triggeringPosition()));
        decisions.make(new RecordPublished(cartId));
    }

    @Override
    public void failed(Task task, String error) {
        decisions.make(new RecordPublicationFailed(cartId(task), "not published within the deadline: "
                + clip(error.lines().findFirst().orElse(""))));
    }

    private static String clip(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }

    private static UUID cartId(Task task) {
        try (var reader = Json.createReader(new StringReader(task.arguments()))) {
            return UUID.fromString(reader.readObject().getString("cartId"));
        }
    }
}

package dev.pgevents.it.outbound.support;

import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.NewEvent;
import dev.pgevents.it.outbound.support.PublicationEvents.MessagePublished;
import dev.pgevents.it.outbound.support.PublicationEvents.PublicationFailed;
import dev.pgevents.outbound.KafkaPublisher;
import dev.pgevents.outbound.OutboundMessage;
import dev.pgevents.outbound.OutboundSettings;
import dev.pgevents.outbound.Published;
import dev.pgevents.processor.Task;
import dev.pgevents.processor.TaskHandler;
import dev.pgevents.transaction.Transactions;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The test deployment's publishing task handlers, as an application writes them: publish the
 * task's message, and only once the broker acknowledged it append the event recording that, in a
 * transaction of its own; the failure callback appends the event recording the failure.
 */
public final class PublishingHandlers {

    public static final String PUBLISH = "it-publish";
    public static final String UNREACHABLE = "it-publish-unreachable";

    private PublishingHandlers() {
    }

    /** The message a task publishes: its arguments, keyed by task, deduplicated by type and triggering position. */
    public static OutboundMessage message(Task task) {
        return new OutboundMessage(OutboundItConfig.TOPIC, "task-" + task.id(), task.arguments(), Map.of("task-type", task.type()))
                .withMessageId(task.type() + "/" + task.triggeringPosition());
    }

    abstract static class PublishThenRecord implements TaskHandler {

        @Inject
        Transactions transactions;

        @Inject
        EventStore store;

        abstract KafkaPublisher publisher();

        @Override
        public void handle(Task task) {
            OutboundMessage message = message(task);
            Published p = publisher().publish(message);
            transactions.inNewTransaction(() -> store.append(List.of(NewEvent.of(
                    new MessagePublished(task.id(), p.topic(), p.partition(), p.offset(), message.messageId())))));
        }

        @Override
        public void failed(Task task, String error) {
            store.append(List.of(NewEvent.of(new PublicationFailed(task.id(), error))));
        }
    }

    /** Publishes through the application's publisher (the broker the tests run). */
    @ApplicationScoped
    public static class Publishing extends PublishThenRecord {

        @Inject
        KafkaPublisher publisher;

        @Override
        public String type() {
            return PUBLISH;
        }

        @Override
        KafkaPublisher publisher() {
            return publisher;
        }
    }

    /** Publishes through a second publisher whose bootstrap address nothing listens on. */
    @ApplicationScoped
    public static class Unreachable extends PublishThenRecord {

        private KafkaPublisher publisher;

        @PostConstruct
        void open() {
            publisher = new KafkaPublisher(new OutboundSettings("localhost:" + closedPort(),
                    Duration.ofMillis(OutboundItConfig.UNREACHABLE_TIMEOUT_MS), Map.of()));
        }

        @PreDestroy
        void close() {
            publisher.close();
        }

        @Override
        public String type() {
            return UNREACHABLE;
        }

        @Override
        KafkaPublisher publisher() {
            return publisher;
        }

        /** Where the publisher points (methods: a CDI proxy has no fields). */
        public String bootstrapServers() {
            return publisher.settings().bootstrapServers();
        }

        private static int closedPort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort(); // free again once closed: nothing listens there
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

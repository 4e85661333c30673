package dev.pgevents.outbound;

import dev.pgevents.telemetry.MessageSpans;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;

/**
 * Publishes messages to Kafka and waits for the broker's acknowledgement: the way a task handler
 * (see dev.pgevents.processor) tells other systems about something, before it records, in its own
 * transaction, that it did. One shared, thread-safe idempotent producer ({@code acks=all}),
 * created at the first publish (an application starts without a broker) and closed with the
 * application.
 *
 * <p>Delivery to the topic is at least once: see docs/integration.md, "Outbound".
 *
 * <p>In the application it is a CDI bean configured by MicroProfile Config; {@link
 * #KafkaPublisher(OutboundSettings)} makes another one (another cluster, other settings), which
 * its creator closes.
 */
@ApplicationScoped
public class KafkaPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaPublisher.class.getName());

    @Inject
    Config config;

    private OutboundSettings settings;
    private volatile KafkaProducer<String, String> producer;
    private boolean closed;

    /** For CDI: settings from MicroProfile Config. */
    protected KafkaPublisher() {
    }

    public KafkaPublisher(OutboundSettings settings) {
        this.settings = settings;
    }

    @PostConstruct
    void configure() {
        settings = OutboundSettings.read(config);
    }

    public OutboundSettings settings() {
        return settings;
    }

    /**
     * Publishes the message with its {@link OutboundMessage#MESSAGE_ID_HEADER} and returns once the
     * broker acknowledged it (at most the configured timeout).
     *
     * @throws PublishFailedException when it was not acknowledged; it may still arrive (at least once)
     */
    public Published publish(OutboundMessage message) {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        try {
            // send waits (max.block.ms) for the topic's metadata, i.e. for a broker to answer
            Future<RecordMetadata> ack = producer(message.topic()).send(record(message));
            RecordMetadata m = ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return new Published(m.topic(), m.partition(), m.offset());
        } catch (ExecutionException e) {
            throw failed(message.topic(), e.getCause());
        } catch (TimeoutException e) {
            throw failed(message.topic(), "no acknowledgement within " + settings.timeout().toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(message.topic(), "interrupted while waiting for the acknowledgement", e);
        } catch (KafkaException e) {
            throw failed(message.topic(), e);
        } catch (IllegalStateException e) {
            // the producer was closed while this publish started
            throw failed(message.topic(), "the publisher is closed (the application is stopping)", e);
        }
    }

    private static ProducerRecord<String, String> record(OutboundMessage message) {
        ProducerRecord<String, String> r = new ProducerRecord<>(message.topic(), message.key(), message.value());
        message.headers().forEach((name, text) -> {
            if (!name.equals(OutboundMessage.MESSAGE_ID_HEADER)) {
                r.headers().add(name, text.getBytes(StandardCharsets.UTF_8));
            }
        });
        r.headers().add(OutboundMessage.MESSAGE_ID_HEADER, message.messageId().getBytes(StandardCharsets.UTF_8));
        MessageSpans.outboundHeaders().forEach((name, text) -> {
            if (!message.headers().containsKey(name)) { // the message's own headers win
                r.headers().add(name, text.getBytes(StandardCharsets.UTF_8));
            }
        });
        return r;
    }

    private KafkaProducer<String, String> producer(String topic) {
        KafkaProducer<String, String> p = producer;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (closed) {
                throw failed(topic, "the publisher is closed (the application is stopping)", null);
            }
            if (producer == null) {
                producer = create(topic);
            }
            return producer;
        }
    }

    private KafkaProducer<String, String> create(String topic) {
        Map<String, Object> props = settings.producerProperties("pgevents-outbound-" + UUID.randomUUID().toString().substring(0, 8));
        // Kafka loads configured classes through the thread's context class loader, and its
        // network thread inherits it: make it the application's, whichever thread publishes first
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(KafkaProducer.class.getClassLoader());
        try {
            KafkaProducer<String, String> p = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
            LOG.info(() -> "outbound publishing to Kafka at " + settings.bootstrapServers() + " (idempotent producer, acks=all, timeout "
                    + settings.timeout().toMillis() + " ms)");
            return p;
        } catch (KafkaException e) {
            throw failed(topic, "the producer settings are not usable: " + e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private PublishFailedException failed(String topic, Throwable cause) {
        String reason;
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            reason = "the broker did not answer within " + settings.timeout().toMillis() + " ms (it is down or unreachable, or the topic "
                    + "does not exist)";
        } else if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
            reason = "the broker refused the credentials: " + cause.getMessage();
        } else if (cause instanceof RecordTooLargeException) {
            reason = "the message is larger than the producer or broker allows";
        } else {
            reason = cause.getMessage() == null ? "the broker refused it" : "the broker refused it: " + cause.getMessage();
        }
        return failed(topic, reason, cause);
    }

    private PublishFailedException failed(String topic, String reason, Throwable cause) {
        return new PublishFailedException(topic, "could not publish to topic " + topic + " at Kafka " + settings.bootstrapServers()
                + ": " + reason, cause);
    }

    /** Waits up to the timeout for messages in flight, then closes the producer; later publishes fail. */
    @PreDestroy
    @Override
    public synchronized void close() {
        closed = true;
        KafkaProducer<String, String> p = producer;
        producer = null;
        if (p != null) {
            p.close(settings.timeout());
        }
    }
}

package dev.pgevents.inbound.cdi;

import dev.pgevents.inbound.InboundEngine;
import dev.pgevents.inbound.InboundMessage;
import dev.pgevents.inbound.InboundUnavailableException;
import dev.pgevents.inbound.Translator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The poll loop of one translator on one managed thread. Messages of a partition are handled one
 * by one, in order, each in its own transaction ({@link InboundEngine#handle}); offsets are
 * committed to Kafka after those transactions, at the end of each poll's batch. On (re)assignment
 * each partition is positioned after the offset stored in the database, which is the source of
 * truth: a Kafka commit lost to a crash only costs a redelivery that the engine recognises.
 *
 * <p>When the database is unavailable the loop rewinds to the first unhandled message of each
 * partition, commits nothing more, and waits (exponential backoff) before it polls again.
 */
final class TranslatorConsumer implements Runnable {

    private static final Logger LOG = Logger.getLogger(TranslatorConsumer.class.getName());

    /** What an operator sees. */
    enum Status { STARTING, RUNNING, WAITING_FOR_DATABASE, STOPPED }

    private final Translator translator;
    private final String group;
    private final Map<String, Object> kafkaProperties;
    private final InboundEngine engine;
    private final Duration backoffMin;
    private final Duration backoffMax;
    private final InboundMetrics metrics;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Status status = Status.STARTING;
    private volatile String lastError;
    private volatile long lag = -1;

    TranslatorConsumer(Translator translator, String group, Map<String, Object> kafkaProperties, InboundEngine engine,
                       Duration backoffMin, Duration backoffMax, InboundMetrics metrics) {
        this.translator = translator;
        this.group = group;
        this.kafkaProperties = kafkaProperties;
        this.engine = engine;
        this.backoffMin = backoffMin;
        this.backoffMax = backoffMax;
        this.metrics = metrics;
    }

    Status status() {
        return status;
    }

    String lastError() {
        return lastError;
    }

    /** Unhandled messages of the assigned partitions as of the last poll; -1 while not consuming. */
    long lag() {
        return lag;
    }

    String group() {
        return group;
    }

    Translator translator() {
        return translator;
    }

    @Override
    public void run() {
        Duration backoff = backoffMin;
        try {
            while (stop.getCount() > 0) {
                try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafkaProperties, new StringDeserializer(),
                        new ByteArrayDeserializer())) {
                    consumer = c;
                    if (stop.getCount() == 0) {
                        break;
                    }
                    c.subscribe(translator.topics(), new FromStoredOffsets(c));
                    status = Status.RUNNING;
                    backoff = backoffMin;
                    while (stop.getCount() > 0) {
                        if (!pollOnce(c)) {
                            metrics.paused(translator.name());
                            status = Status.WAITING_FOR_DATABASE;
                            pause(backoff);
                            backoff = next(backoff);
                        } else if (status != Status.RUNNING) {
                            LOG.info(() -> "translator " + translator.name() + " resumed: the database answers again");
                            status = Status.RUNNING;
                            backoff = backoffMin;
                        }
                    }
                } catch (WakeupException e) {
                    // stop() woke the consumer up
                } catch (InboundUnavailableException e) {
                    // the stored offsets could not be read on assignment: join again after a pause
                    lastError = e.getMessage();
                    status = Status.WAITING_FOR_DATABASE;
                    LOG.warning(() -> "translator " + translator.name() + ": " + e.getMessage());
                    pause(backoff);
                    backoff = next(backoff);
                } catch (RuntimeException e) {
                    // a Kafka failure, or anything else unexpected: a translator's consumer must not end silently
                    lastError = e.getMessage();
                    LOG.log(Level.WARNING, "translator " + translator.name() + " lost its Kafka consumer; starting a new one in "
                            + backoff, e);
                    pause(backoff);
                    backoff = next(backoff);
                } finally {
                    consumer = null;
                    lag = -1;
                }
            }
        } finally {
            // also when an Error ends the thread: stop() must not wait for a signal that never comes
            status = Status.STOPPED;
            stopped.countDown();
        }
    }

    /** One poll and its batch; false when the database was unavailable (the batch is rewound). */
    private boolean pollOnce(KafkaConsumer<String, byte[]> c) {
        ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(500));
        Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
        boolean available = true;
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> batch = records.records(tp);
            int i = 0;
            if (available) {
                for (; i < batch.size(); i++) {
                    ConsumerRecord<String, byte[]> r = batch.get(i);
                    try {
                        long t0 = System.nanoTime();
                        InboundEngine.Outcome outcome = engine.handle(group, translator, message(r));
                        metrics.handled(translator.name(), outcome, System.nanoTime() - t0);
                        handled.put(tp, new OffsetAndMetadata(r.offset() + 1));
                    } catch (InboundUnavailableException e) {
                        available = false;
                        if (status != Status.WAITING_FOR_DATABASE) {
                            LOG.warning(() -> "translator " + translator.name() + " pauses: " + e.getMessage());
                        }
                        lastError = e.getMessage();
                        break;
                    }
                }
            }
            if (i < batch.size()) {
                c.seek(tp, batch.get(i).offset()); // handled again after the pause
            }
        }
        if (!handled.isEmpty()) {
            commit(c, handled);
        }
        // the consumer's own bookkeeping (no request to the broker); partitions not fetched yet count 0
        lag = c.assignment().stream().mapToLong(tp -> c.currentLag(tp).orElse(0)).sum();
        return available;
    }

    /** Kafka's committed offsets only spare redeliveries; the database's are the truth. */
    private void commit(KafkaConsumer<String, byte[]> c, Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            c.commitSync(offsets);
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.log(Level.FINE, "offset commit of translator {0} failed ({1}); the database keeps the offsets",
                    new Object[] {translator.name(), e.getMessage()});
        }
    }

    private static InboundMessage message(ConsumerRecord<String, byte[]> r) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            headers.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
        }
        return new InboundMessage(r.topic(), r.partition(), r.offset(), r.key(), r.value(), headers);
    }

    private void pause(Duration d) {
        try {
            stop.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.countDown();
        }
    }

    private Duration next(Duration d) {
        Duration doubled = d.multipliedBy(2);
        return doubled.compareTo(backoffMax) > 0 ? backoffMax : doubled;
    }

    /** Ends the loop and closes the consumer (it leaves the group); waits up to the timeout. */
    boolean stop(Duration timeout) {
        stop.countDown();
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Positions each assigned partition after the offset the database stored for the group. */
    private final class FromStoredOffsets implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, byte[]> c;

        FromStoredOffsets(KafkaConsumer<String, byte[]> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                OptionalLong last = engine.lastOffset(group, tp.topic(), tp.partition());
                if (last.isPresent()) {
                    c.seek(tp, last.getAsLong() + 1);
                }
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // every handled message's offset is in the database already; nothing to flush
        }
    }
}

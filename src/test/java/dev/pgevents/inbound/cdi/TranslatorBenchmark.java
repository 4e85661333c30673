package dev.pgevents.inbound.cdi;

import dev.pgevents.decision.DecisionMaker;
import dev.pgevents.decision.RetryPolicy;
import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.JsonbEventSerializer;
import dev.pgevents.eventstore.NewEvent;
import dev.pgevents.eventstore.Tag;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.inbound.InboundCommand;
import dev.pgevents.inbound.InboundEngine;
import dev.pgevents.inbound.InboundMessage;
import dev.pgevents.inbound.Translator;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.PooledDataSource;
import dev.pgevents.testsupport.Sql;
import dev.pgevents.testsupport.TestKafka;
import dev.pgevents.testsupport.TestTransactions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Translator throughput outside Liberty (the tests' JTA stand-in), through the real consumer loop
 * ({@link TranslatorConsumer}) and {@link InboundEngine}, against the broker the tests locate or
 * start; a translator that turns each JSON message into one unconditional append:
 * <ol>
 *   <li>drain: N pre-produced messages (default 10,000, 4 partitions), messages/s until all are
 *       events; same-run baselines: a plain KafkaConsumer reading the same messages without the
 *       database, and the same events appended directly, one per transaction, without Kafka,
 *       before and after the translator (the spread shows the machine's drift), and the engine
 *       alone ({@link InboundEngine#handle} on made-up messages: offset advance and append);</li>
 *   <li>steady: 2,000 messages produced at half the drain rate while the translator runs; latency
 *       from the send (a timestamp in the message) to the event's {@code recorded_at} (its
 *       transaction's start, database clock; the commit follows within one handling time): p50,
 *       p99, max.</li>
 * </ol>
 *
 * <pre>
 * mvn -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.pgevents.inbound.cdi.TranslatorBenchmark [-Dexec.args=10000]
 * </pre>
 */
public final class TranslatorBenchmark {

    private static final int PARTITIONS = 4;
    private static final int STEADY = 2_000;

    /** The benchmark's event: one per message. */
    public record PriceChanged(@Tag("product") String product, long price, long sequence, long sentAtMillis) implements Event {
    }

    private TranslatorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int drained = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        String bootstrap = TestKafka.broker().bootstrapServers();
        String topic = "bench-prices-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
        DataSource raw = EventStoreFixture.migrated("inbound_benchmark");
        try (PooledDataSource pool = new PooledDataSource(raw, 8);
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, "5"), new StringSerializer(), new StringSerializer())) {
            TestTransactions tx = new TestTransactions(pool);
            JdbcEventStore store = new JdbcEventStore(tx.dataSource(), EventTypeRegistry.of(PriceChanged.class), new JsonbEventSerializer());
            InboundEngine engine = new InboundEngine(tx.dataSource(), tx, store,
                    t -> new DecisionMaker(store, t, new RetryPolicy(10, Duration.ofMillis(1), Duration.ofMillis(20))));

            for (int i = 0; i < drained; i++) {
                producer.send(new ProducerRecord<>(topic, "p-" + (i % 100), json(i, 0)));
            }
            producer.flush();

            double plain = plainConsumer(bootstrap, topic, drained);
            double directBefore = directAppends(tx, store, drained);

            TranslatorConsumer consumer = new TranslatorConsumer(new Prices(topic), "bench-" + topic,
                    consumerProperties(bootstrap, "bench-" + topic), engine, Duration.ofMillis(100), Duration.ofSeconds(1),
                    new InboundMetrics());
            Thread loop = new Thread(consumer, "bench-translator");
            long started = System.nanoTime();
            loop.start();
            // timed from the first event: joining the group and the first fetch are not the loop's rate
            awaitEvents(raw, drained + 1L, Duration.ofMinutes(1));
            long t0 = System.nanoTime();
            double joinSeconds = (t0 - started) / 1e9;
            awaitEvents(raw, 2L * drained, Duration.ofMinutes(10));
            double translator = (drained - 1) / ((System.nanoTime() - t0) / 1e9);

            int rate = Math.max(10, (int) (translator / 2));
            long s0 = System.nanoTime();
            for (int i = 0; i < STEADY; i++) {
                long due = s0 + i * 1_000_000_000L / rate;
                while (System.nanoTime() < due) {
                    Thread.onSpinWait(); // pacing the producer, not waiting for a result
                }
                producer.send(new ProducerRecord<>(topic, "p-" + (i % 100), json(drained + i, System.currentTimeMillis())));
            }
            awaitEvents(raw, 2L * drained + STEADY, Duration.ofMinutes(5));
            List<String> ms = Sql.queryStrings(raw, "SELECT round(extract(epoch FROM x) * 1000, 1)::text FROM ("
                    + " SELECT unnest(percentile_disc(ARRAY[0.5, 0.99, 1.0]) WITHIN GROUP (ORDER BY recorded_at"
                    + "   - to_timestamp((payload->>'sentAtMillis')::bigint / 1000.0))) x"
                    + " FROM es_event WHERE (payload->>'sentAtMillis')::bigint > 0) q");
            consumer.stop(Duration.ofSeconds(30));

            double directAfter = directAppends(tx, store, drained);
            double engineOnly = engineOnly(engine, new Prices(topic), drained);
            System.out.printf("drain: %,d messages -> events at %,.0f messages/s (one consumer, one transaction per message;"
                    + " timed from the first event, %.1f s after the consumer started)%n", drained, translator, joinSeconds);
            System.out.printf("  same run: plain KafkaConsumer, no database: %,.0f messages/s (translator = %.3f x)%n",
                    plain, translator / plain);
            System.out.printf("  same run: direct appends, one per transaction, no Kafka: %,.0f events/s before, %,.0f after"
                    + " (translator = %.2f x their mean)%n", directBefore, directAfter, translator / ((directBefore + directAfter) / 2));
            System.out.printf("  same run: the engine alone (InboundEngine.handle on the same messages, no Kafka): %,.0f messages/s"
                    + " (translator = %.2f x)%n", engineOnly, translator / engineOnly);
            System.out.printf("steady: %,d messages at %d/s; latency send -> event recorded: p50 %s ms, p99 %s ms, max %s ms%n",
                    STEADY, rate, ms.get(0), ms.get(1), ms.get(2));
        }
    }

    private static String json(long sequence, long sentAtMillis) {
        return "{\"product\":\"p-" + (sequence % 100) + "\",\"price\":" + (100 + sequence % 50) + ",\"sequence\":" + sequence
                + ",\"sentAtMillis\":" + sentAtMillis + "}";
    }

    /** The translator under test: each message one unconditional append. */
    private record Prices(String topic) implements Translator {
        @Override
        public String name() {
            return "bench-prices";
        }

        @Override
        public Set<String> topics() {
            return Set.of(topic);
        }

        @Override
        public InboundCommand translate(InboundMessage message) {
            return InboundCommand.append(message.as(PriceChanged.class));
        }
    }

    /** As InboundRuntime configures a translator's consumer. */
    private static Map<String, Object> consumerProperties(String bootstrap, String group) {
        return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    }

    /** Baseline: the same messages read (and decoded to text) by a plain consumer, no database. */
    private static double plainConsumer(String bootstrap, String topic, int count) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(topic, p)).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            long t0 = System.nanoTime();
            long read = 0;
            long characters = 0; // decoded as the translator's messages are, and used, so the work is not optimised away
            while (read < count) {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    characters += new String(r.value(), StandardCharsets.UTF_8).length();
                    read++;
                }
            }
            return characters > 0 ? count / ((System.nanoTime() - t0) / 1e9) : 0;
        }
    }

    /** Baseline: the same events appended one per transaction by one thread, without Kafka or offsets. */
    private static double directAppends(TestTransactions tx, JdbcEventStore store, int count) {
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            PriceChanged e = new PriceChanged("p-" + (i % 100), 100 + i % 50, i, 0);
            tx.run(() -> store.append(List.of(NewEvent.of(e))));
        }
        return count / ((System.nanoTime() - t0) / 1e9);
    }

    /** Baseline: the engine's transaction per message (offset advance, append), the messages made up, no Kafka. */
    private static double engineOnly(InboundEngine engine, Translator translator, int count) {
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            byte[] value = json(i, 0).getBytes(StandardCharsets.UTF_8);
            engine.handle("bench-engine-only", translator, new InboundMessage("engine-only", i % PARTITIONS, i / PARTITIONS,
                    "p-" + (i % 100), value, Map.of()));
        }
        return count / ((System.nanoTime() - t0) / 1e9);
    }

    private static void awaitEvents(DataSource raw, long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Sql.queryLong(raw, "SELECT count(*) FROM es_event") < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not " + count + " events within " + timeout);
            }
            Thread.sleep(20); // polling a condition with a deadline
        }
    }
}

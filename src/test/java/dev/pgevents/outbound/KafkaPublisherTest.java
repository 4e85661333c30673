package dev.pgevents.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.testsupport.TestKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The publisher against the real broker the tests locate or start (no Liberty). */
class KafkaPublisherTest {

    private static final int PARTITIONS = 3;
    private static String bootstrap;
    private static KafkaPublisher publisher;

    @BeforeAll
    static void start() {
        bootstrap = TestKafka.broker().bootstrapServers();
        publisher = new KafkaPublisher(new OutboundSettings(bootstrap, Duration.ofSeconds(20), Map.of()));
    }

    @AfterAll
    static void stop() {
        publisher.close();
    }

    private static String newTopic() throws Exception {
        String topic = "outbound-test-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
        return topic;
    }

    /** Every message of the topic, read from the beginning to the end offsets. */
    private static List<ConsumerRecord<String, String>> readAll(String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> all = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertTrue(System.nanoTime() < deadline, "the topic's messages were not readable within 30 s");
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
            return all;
        }
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void anAcknowledgedMessageIsOnTheTopicOnceWithKeyValueHeadersAndItsMessageId() throws Exception {
        String topic = newTopic();
        Published given = publisher.publish(new OutboundMessage(topic, "cart-1", "{\"total\":5}", Map.of("trace", "t-1"))
                .withMessageId("publish-cart/7"));
        Published derived = publisher.publish(OutboundMessage.of(topic, "cart-2", "{\"total\":6}"));

        List<ConsumerRecord<String, String>> all = readAll(topic);
        assertEquals(2, all.size(), all.toString());
        ConsumerRecord<String, String> first = all.stream().filter(r -> "cart-1".equals(r.key())).findFirst().orElseThrow();
        assertEquals(new Published(topic, first.partition(), first.offset()), given, "the acknowledgement says where it is");
        assertEquals("{\"total\":5}", first.value());
        assertEquals("t-1", header(first, "trace"));
        assertEquals("publish-cart/7", header(first, OutboundMessage.MESSAGE_ID_HEADER));
        assertEquals(1, first.headers().toArray().length - 1, "one message id header, besides the caller's");

        ConsumerRecord<String, String> second = all.stream().filter(r -> "cart-2".equals(r.key())).findFirst().orElseThrow();
        assertEquals(new Published(topic, second.partition(), second.offset()), derived);
        assertEquals(OutboundMessage.of(topic, "cart-2", "{\"total\":6}").messageId(), header(second, OutboundMessage.MESSAGE_ID_HEADER));
    }

    /**
     * Each round on a topic created just before: with Kafka's default of 5 requests in flight, one
     * round in six hung until the timeout (KAFKA-15591); see also OutboundSettingsTest.
     */
    @Test
    void threadsShareOneProducerAndEveryMessageArrivesExactlyOnceOnFreshTopics() throws Exception {
        for (int round = 0; round < 5; round++) {
            publishFromThreadsAndReadBack(newTopic());
        }
    }

    private static void publishFromThreadsAndReadBack(String topic) throws Exception {
        int threads = 8;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<Published>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    List<Published> acks = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        acks.add(publisher.publish(OutboundMessage.of(topic, "k-" + thread + "-" + i, "v")));
                    }
                    return acks;
                }));
            }
            Set<Published> acks = new HashSet<>();
            for (Future<List<Published>> f : results) {
                acks.addAll(f.get());
            }
            assertEquals(threads * each, acks.size(), "every acknowledgement names its own place");
        } finally {
            pool.shutdownNow();
        }
        List<ConsumerRecord<String, String>> all = readAll(topic);
        assertEquals(threads * each, all.size());
        Map<String, Integer> perKey = new HashMap<>();
        all.forEach(r -> perKey.merge(r.key(), 1, Integer::sum));
        assertEquals(threads * each, perKey.size());
        assertTrue(perKey.values().stream().allMatch(n -> n == 1), perKey.toString());
    }

    @Test
    void anUnreachableBrokerFailsThePublishWithinItsTimeoutInWords() {
        String nowhere = "localhost:" + closedPort();
        try (KafkaPublisher unreachable = new KafkaPublisher(new OutboundSettings(nowhere, Duration.ofMillis(500), Map.of()))) {
            PublishFailedException e = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> assertThrows(
                    PublishFailedException.class, () -> unreachable.publish(OutboundMessage.of("carts", "c-1", "{}"))));
            assertEquals("could not publish to topic carts at Kafka " + nowhere + ": the broker did not answer within 500 ms "
                    + "(it is down or unreachable, or the topic does not exist)", e.getMessage());
            assertEquals("carts", e.topic());
        }
    }

    @Test
    void aClosedPublisherRefusesToPublish() {
        KafkaPublisher closed = new KafkaPublisher(new OutboundSettings(bootstrap, Duration.ofSeconds(5), Map.of()));
        closed.close();
        PublishFailedException e = assertThrows(PublishFailedException.class,
                () -> closed.publish(OutboundMessage.of("carts", "c-1", "{}")));
        assertTrue(e.getMessage().endsWith("the publisher is closed (the application is stopping)"), e.getMessage());
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
    }

    @Test
    void unusableProducerSettingsFailThePublishInWords() {
        KafkaPublisher misconfigured = new KafkaPublisher(new OutboundSettings(bootstrap, Duration.ofSeconds(5),
                Map.of("compression.type", "zipped")));
        PublishFailedException e = assertThrows(PublishFailedException.class,
                () -> misconfigured.publish(OutboundMessage.of("carts", "c-1", "{}")));
        assertTrue(e.getMessage().contains("the producer settings are not usable"), e.getMessage());
        assertTrue(e.getMessage().contains("compression.type"), e.getMessage());
        misconfigured.close();
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort(); // free again once closed: nothing listens there
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.pgevents.it.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.ReadOptions;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.it.Await;
import dev.pgevents.it.Deployments;
import dev.pgevents.it.Http;
import dev.pgevents.it.outbound.support.OutboundItConfig;
import dev.pgevents.it.outbound.support.PublicationEvents.MessagePublished;
import dev.pgevents.it.outbound.support.PublicationEvents.PublicationFailed;
import dev.pgevents.it.outbound.support.PublishingHandlers;
import dev.pgevents.outbound.OutboundMessage;
import dev.pgevents.processor.TaskInfo;
import dev.pgevents.processor.TaskQueue;
import dev.pgevents.processor.TaskStatus;
import dev.pgevents.processor.cdi.ProcessorRuntime;
import dev.pgevents.transaction.Transactions;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Outbound publishing from processor tasks inside Liberty, against the real broker the build
 * located or started: each task's message reaches the topic exactly once, with its key, value and
 * dedupe header, and the event recording the publication names the place the broker acknowledged;
 * with the broker unreachable the task retries until its deadline, fails, its failure callback
 * runs, and nothing records a success.
 */
@ExtendWith(ArquillianExtension.class)
class OutboundIT {

    private static final int PARTITIONS = 2;
    private static final AtomicLong POSITIONS = new AtomicLong(System.currentTimeMillis());

    @Deployment
    static WebArchive deployment() {
        return Deployments.application()
                .addClass(Await.class)
                .addClass(Http.class)
                .addPackage(PublishingHandlers.class.getPackage())
                .addAsResource(new StringAsset(OutboundItConfig.class.getName()),
                        "META-INF/services/org.eclipse.microprofile.config.spi.ConfigSource");
    }

    @Inject
    TaskQueue queue;

    @Inject
    Transactions transactions;

    @Inject
    ProcessorRuntime runtime;

    @Inject
    EventStore store;

    @Inject
    PublishingHandlers.Unreachable unreachable;

    @Inject
    @ConfigProperty(name = "pgevents.outbound.bootstrap-servers")
    String bootstrapServers;

    @ArquillianResource
    URL base;

    private static boolean topicCreated;

    private synchronized void topic() throws Exception {
        if (!topicCreated) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
                admin.createTopics(List.of(new NewTopic(OutboundItConfig.TOPIC, PARTITIONS, (short) 1))).all().get();
            }
            topicCreated = true;
        }
    }

    /** Enqueues one task per position in one JTA transaction; returns the tasks by position. */
    private Map<Long, TaskInfo> enqueue(String type, int count) {
        List<Long> positions = IntStream.range(0, count).mapToObj(i -> POSITIONS.incrementAndGet()).toList();
        transactions.inNewTransaction(() -> {
            for (long p : positions) {
                assertTrue(queue.enqueue(type, "{\"order\":" + p + "}", p));
            }
            return null;
        });
        Map<Long, TaskInfo> tasks = new HashMap<>();
        runtime.admin().list(null, type, 1000).stream().filter(t -> positions.contains(t.triggeringPosition()))
                .forEach(t -> tasks.put(t.triggeringPosition(), t));
        assertEquals(count, tasks.size());
        return tasks;
    }

    private List<RecordedEvent> events(long taskId) {
        List<RecordedEvent> events = new ArrayList<>();
        store.read(EventQuery.tagged("outbound-task:" + taskId), ReadOptions.defaults(), events::add);
        return events;
    }

    @Test
    void eachTasksMessageArrivesExactlyOnceAndItsSuccessEventNamesTheAcknowledgedPlace() throws Exception {
        topic();
        int count = 20;
        Map<Long, TaskInfo> tasks = enqueue(PublishingHandlers.PUBLISH, count);
        Await.until(count + " publishing tasks to be done", Duration.ofSeconds(30), () -> tasks.values().stream()
                .allMatch(t -> runtime.admin().info(t.id()).status() == TaskStatus.DONE));

        List<ConsumerRecord<String, String>> records = readTopic();
        assertEquals(count, records.size(), "one message per task, no more: " + records);
        for (TaskInfo task : tasks.values()) {
            String messageId = PublishingHandlers.PUBLISH + "/" + task.triggeringPosition();
            List<ConsumerRecord<String, String>> copies = records.stream()
                    .filter(r -> messageId.equals(header(r, OutboundMessage.MESSAGE_ID_HEADER))).toList();
            assertEquals(1, copies.size(), messageId + " in " + records);
            ConsumerRecord<String, String> r = copies.get(0);
            assertEquals("task-" + task.id(), r.key());
            assertEquals(task.arguments(), r.value(), "the task's arguments as stored");
            assertEquals(PublishingHandlers.PUBLISH, header(r, "task-type"));

            List<RecordedEvent> events = events(task.id());
            assertEquals(1, events.size(), "one success event for task " + task.id() + ": " + events);
            assertEquals(new MessagePublished(task.id(), OutboundItConfig.TOPIC, r.partition(), r.offset(), messageId),
                    events.get(0).event(), "the success event records where the broker acknowledged the message");
        }

        // kafka-clients' own (per topic, per node) metrics stay out of /metrics
        HttpResponse<String> metrics = new Http(base).serverRoot().get("metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().lines().noneMatch(l -> l.contains(OutboundItConfig.TOPIC) || l.startsWith("kafka_")),
                "no Kafka client series in /metrics");
    }

    @Test
    void withTheBrokerUnreachableTheTaskRetriesUntilItsDeadlineFailsAndRecordsNoSuccess() {
        TaskInfo task = enqueue(PublishingHandlers.UNREACHABLE, 1).values().iterator().next();
        Await.until("the task to fail for good", Duration.ofSeconds(20),
                () -> runtime.admin().info(task.id()).status() == TaskStatus.FAILED);

        TaskInfo failed = runtime.admin().info(task.id());
        assertTrue(failed.attempts() >= 2, "retried: " + failed.attempts() + " attempts");
        assertTrue(failed.attempts() < OutboundItConfig.UNREACHABLE_MAX_ATTEMPTS, "the deadline ended the retries, not the attempts");
        String expected = "could not publish to topic " + OutboundItConfig.TOPIC + " at Kafka " + unreachable.bootstrapServers()
                + ": the broker did not answer within " + OutboundItConfig.UNREACHABLE_TIMEOUT_MS + " ms";
        assertTrue(failed.lastError().contains(expected), failed.lastError());

        List<RecordedEvent> events = events(task.id());
        assertEquals(1, events.size(), "the failure event only, no success: " + events);
        PublicationFailed recorded = (PublicationFailed) events.get(0).event();
        assertEquals(task.id(), recorded.task());
        assertTrue(recorded.error().contains(expected), recorded.error());
        assertFalse(events.stream().anyMatch(e -> e.event() instanceof MessagePublished));
    }

    /** Every message of the test topic, from the beginning to its end offsets. */
    private List<ConsumerRecord<String, String>> readTopic() {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
                    .mapToObj(p -> new TopicPartition(OutboundItConfig.TOPIC, p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> all = new ArrayList<>();
            Await.until("the topic read to its end", Duration.ofSeconds(30), () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(all::add);
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
            return all;
        }
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}

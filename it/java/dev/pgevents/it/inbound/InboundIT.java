package dev.pgevents.it.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.ReadOptions;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.inbound.InboundEngine;
import dev.pgevents.inbound.InboundMessage;
import dev.pgevents.inbound.cdi.InboundRuntime;
import dev.pgevents.it.Await;
import dev.pgevents.it.Deployments;
import dev.pgevents.it.Http;
import dev.pgevents.it.inbound.support.InboundItConfig;
import dev.pgevents.it.inbound.support.StockEvents;
import dev.pgevents.it.inbound.support.StockEvents.StockReceived;
import dev.pgevents.it.inbound.support.StockEvents.StockReserved;
import dev.pgevents.it.inbound.support.StockTranslator;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.postgresql.ds.PGSimpleDataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Inbound translators against the real broker the build located or started: messages become
 * events exactly once (also when the consumer restarts with its Kafka offsets lost), in order per
 * partition; bad messages are parked and handled through the admin API.
 */
@ExtendWith(ArquillianExtension.class)
class InboundIT {

    private static final String GROUP = "pgevents-" + StockTranslator.NAME;
    private static final int PARTITIONS = 3;

    @Deployment
    static WebArchive deployment() {
        return Deployments.application()
                .addClass(Await.class)
                .addClass(Http.class)
                .addPackage(StockTranslator.class.getPackage())
                .addAsResource(new StringAsset(InboundItConfig.class.getName()),
                        "META-INF/services/org.eclipse.microprofile.config.spi.ConfigSource");
    }

    @Inject
    InboundRuntime runtime;

    @Inject
    EventStore store;

    @Inject
    @ConfigProperty(name = "pgevents.inbound.bootstrap-servers")
    String bootstrapServers;

    @Inject
    Config config;

    @ArquillianResource
    URL base;

    private static boolean topicCreated;

    private synchronized void topic() throws Exception {
        if (!topicCreated) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
                admin.createTopics(List.of(new NewTopic(InboundItConfig.TOPIC, PARTITIONS, (short) 1))).all().get();
            }
            topicCreated = true;
        }
    }

    private void produce(List<ProducerRecord<String, byte[]>> records) throws Exception {
        topic();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<String, byte[]> r : records) {
                producer.send(r).get();
            }
        }
    }

    private static ProducerRecord<String, byte[]> message(String sku, String json) {
        return new ProducerRecord<>(InboundItConfig.TOPIC, sku, json.getBytes(StandardCharsets.UTF_8));
    }

    private static ProducerRecord<String, byte[]> received(String sku, long quantity, long sequence) {
        return message(sku, "{\"kind\":\"received\",\"sku\":\"" + sku + "\",\"quantity\":" + quantity
                + ",\"sequence\":" + sequence + "}");
    }

    private List<RecordedEvent> events(String sku) {
        List<RecordedEvent> events = new ArrayList<>();
        store.read(EventQuery.tagged("sku:" + sku), ReadOptions.defaults(), events::add);
        return events;
    }

    @Test
    void messagesBecomeEventsExactlyOnceInOrderPerPartitionAlsoWhenKafkaOffsetsAreLost() throws Exception {
        List<String> skus = List.of("apple", "pear", "plum", "fig");
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            records.add(received(skus.get(i % skus.size()), 1, i));
        }
        produce(records);
        Await.until("40 messages to become events", Duration.ofSeconds(60),
                () -> skus.stream().mapToInt(s -> events(s).size()).sum() == 40);
        for (String sku : skus) {
            List<Long> sequences = events(sku).stream().map(e -> ((StockReceived) e.event()).sequence()).toList();
            List<Long> sorted = sequences.stream().sorted().toList();
            assertEquals(sorted, sequences, "events of " + sku + " in the order of their partition");
        }

        // The state a consumer leaves when it dies after its database commits and before its
        // Kafka commits: the group's Kafka offsets behind. Stop this node's consumer (it leaves
        // the group), rewind the group to the beginning, start it again.
        runtime.stopConsumer(StockTranslator.NAME);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            Map<TopicPartition, OffsetAndMetadata> rewind = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                rewind.put(new TopicPartition(InboundItConfig.TOPIC, p), new OffsetAndMetadata(0));
            }
            admin.alterConsumerGroupOffsets(GROUP, rewind).all().get();
        }
        runtime.startConsumer(StockTranslator.NAME);
        produce(List.of(received("apple", 1, 100)));
        Await.until("the message after the restart", Duration.ofSeconds(60),
                () -> events("apple").stream().anyMatch(e -> ((StockReceived) e.event()).sequence() == 100));
        assertEquals(41, skus.stream().mapToInt(s -> events(s).size()).sum(), "no message applied twice");

        // A redelivered message (at or below the stored offset) changes nothing, seek or not.
        RecordedEvent first = events("apple").get(0);
        InboundEngine.Outcome again = runtime.engine().handle(GROUP, runtime.translators().get(StockTranslator.NAME),
                new InboundMessage(InboundItConfig.TOPIC, partitionOf("apple"), 0, "apple",
                        received("apple", 1, 0).value(), Map.of()));
        assertEquals(InboundEngine.Outcome.DUPLICATE, again);
        assertEquals(first.position(), events("apple").get(0).position());
        assertEquals(41, skus.stream().mapToInt(s -> events(s).size()).sum());
    }

    /** The partition Kafka's default partitioner gives a key. */
    private static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    @Test
    void badMessagesAreParkedAndRetriedOrDeletedThroughTheAdminApi() throws Exception {
        String sku = "kiwi";
        produce(List.of(
                new ProducerRecord<>(InboundItConfig.TOPIC, sku, "not json {".getBytes(StandardCharsets.UTF_8)),
                message(sku, "{\"kind\":\"received\",\"sku\":\"" + sku + "\"}"),
                message(sku, "{\"kind\":\"reserve\",\"sku\":\"" + sku + "\",\"quantity\":5}"),
                received(sku, 2, 1)));
        Await.until("the good message after three bad ones", Duration.ofSeconds(60), () -> events(sku).size() == 1);

        JsonArray parked = json(admin("GET", "api/admin/inbound/parked?translator=" + StockTranslator.NAME)).asJsonArray();
        List<JsonObject> mine = parked.stream().map(v -> v.asJsonObject())
                .filter(o -> sku.equals(o.getString("key", null))).toList();
        assertEquals(3, mine.size(), parked.toString());
        JsonObject notJson = mine.get(0);
        JsonObject wrongShape = mine.get(1);
        JsonObject rejected = mine.get(2);
        assertTrue(notJson.getString("error").contains("not JSON"), notJson.toString());
        assertEquals("not json {", notJson.getString("value"));
        assertTrue(wrongShape.getString("error").contains("sku and quantity are required"), wrongShape.toString());
        assertTrue(rejected.getString("error").contains("rejected (out-of-stock)"), rejected.toString());
        assertEquals(InboundItConfig.TOPIC, rejected.getString("topic"));
        assertTrue(rejected.getJsonNumber("offset").longValue() > notJson.getJsonNumber("offset").longValue());

        // still rejected: 409, the dead letter stays with a second attempt
        HttpResponse<String> failed = admin("POST", "api/admin/inbound/parked/" + rejected.getJsonNumber("id") + "/retry");
        assertEquals(409, failed.statusCode(), failed.body());
        assertEquals("application/problem+json", failed.headers().firstValue("Content-Type").orElse(""));
        produce(List.of(received(sku, 10, 2)));
        Await.until("the stock to arrive", Duration.ofSeconds(60), () -> events(sku).size() == 2);
        HttpResponse<String> retried = admin("POST", "api/admin/inbound/parked/" + rejected.getJsonNumber("id") + "/retry");
        assertEquals(204, retried.statusCode(), retried.body());
        assertEquals(1, events(sku).stream().filter(e -> e.event() instanceof StockReserved).count());

        assertEquals(204, admin("DELETE", "api/admin/inbound/parked/" + notJson.getJsonNumber("id")).statusCode());
        assertEquals(404, admin("DELETE", "api/admin/inbound/parked/" + notJson.getJsonNumber("id")).statusCode());
        assertEquals(400, admin("DELETE", "api/admin/inbound/parked/abc").statusCode());
        Set<Long> left = json(admin("GET", "api/admin/inbound/parked")).asJsonArray().stream()
                .map(v -> v.asJsonObject()).filter(o -> sku.equals(o.getString("key", null)))
                .map(o -> o.getJsonNumber("id").longValue()).collect(Collectors.toSet());
        assertEquals(Set.of(wrongShape.getJsonNumber("id").longValue()), left);

        assertEquals(401, send("GET", "api/admin/inbound/parked", null).statusCode());
        JsonObject info = json(admin("GET", "api/admin/inbound/translators/" + StockTranslator.NAME)).asJsonObject();
        assertEquals("RUNNING", info.getString("status"));
        assertEquals(GROUP, info.getString("group"));
    }

    @Test
    void aDatabaseOutagePausesConsumptionAndAfterwardsEveryMessageTakesEffectOnce() throws Exception {
        String sku = "outage";
        List<ProducerRecord<String, byte[]>> before = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            before.add(received(sku, 1, i));
        }
        produce(before);
        Await.until("10 messages before the outage", Duration.ofSeconds(60), () -> events(sku).size() == 10);
        double pausesBefore = metric("pgevents_inbound_pauses_total");

        refuseConnections(true);
        try {
            List<ProducerRecord<String, byte[]>> during = new ArrayList<>();
            for (int i = 10; i < 30; i++) {
                during.add(received(sku, 1, i));
            }
            produce(during);
            Await.until("the translator to wait for the database", Duration.ofSeconds(30),
                    () -> runtime.info(StockTranslator.NAME).orElseThrow().status().equals("WAITING_FOR_DATABASE"));
            assertTrue(metric("pgevents_inbound_pauses_total") > pausesBefore, "the pause is counted");
        } finally {
            refuseConnections(false);
        }

        Await.until("the 20 messages of the outage to become events", Duration.ofSeconds(60), () -> {
            try {
                return events(sku).size() >= 30;
            } catch (RuntimeException e) {
                return false; // a pooled connection of before the outage, terminated: the pool drops it
            }
        });
        Await.until("the translator to run again", Duration.ofSeconds(30),
                () -> runtime.info(StockTranslator.NAME).orElseThrow().status().equals("RUNNING"));
        List<Long> sequences = events(sku).stream().map(e -> ((StockReceived) e.event()).sequence()).toList();
        assertEquals(java.util.stream.LongStream.range(0, 30).boxed().toList(), sequences,
                "every message once, in order, none lost, none twice");
        assertTrue(runtime.engine().parked(StockTranslator.NAME).stream().noneMatch(p -> sku.equals(p.key())),
                "nothing parked for an outage");
    }

    @Test
    void metricsPerTranslatorOnly() throws Exception {
        String sku = "metered";
        double applied = metric("pgevents_inbound_messages_applied_total");
        double parked = metric("pgevents_inbound_messages_parked_total");
        produce(List.of(received(sku, 1, 0), message(sku, "not json"), received(sku, 1, 1)));
        Await.until("two events", Duration.ofSeconds(60), () -> events(sku).size() == 2);
        Await.until("the counters and the lag to catch up", Duration.ofSeconds(10),
                () -> metric("pgevents_inbound_messages_applied_total") >= applied + 2
                        && metric("pgevents_inbound_messages_parked_total") >= parked + 1
                        && metric("pgevents_inbound_lag") == 0);
        assertTrue(metric("pgevents_inbound_handling_time_seconds_count") >= 3);
        assertTrue(metric("pgevents_inbound_messages_duplicate_total") >= 0);
        // one series per translator (the application's own ones too): no topic, partition, offset or key in the labels
        List<String> series = metrics().lines().filter(l -> l.startsWith("pgevents_inbound_")).toList();
        assertTrue(series.stream().anyMatch(line -> line.contains("translator=\"" + StockTranslator.NAME + "\"")), series.toString());
        for (String line : series) {
            Set<String> labels = Pattern.compile("(\\w+)=\"").matcher(line.substring(line.indexOf('{'), line.indexOf('}')))
                    .results().map(r -> r.group(1)).collect(Collectors.toSet());
            assertTrue(Set.of("mp_scope", "translator", "quantile").containsAll(labels), line);
        }
    }

    private String metrics() {
        HttpResponse<String> response = new Http(base).serverRoot().get("metrics?scope=application");
        assertEquals(200, response.statusCode());
        return response.body();
    }

    /** The value of a series of the test translator (-1 when absent). */
    private double metric(String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*translator=\"" + StockTranslator.NAME + "\"[^}]*} (\\S+)$")
                .matcher(metrics());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    /**
     * PostgreSQL up, the application locked out: the test database refuses connections
     * (superusers too) and its sessions are terminated; as DatabaseOutageIT does, from inside the
     * server (the driver is the server's global library), on a connection to database postgres.
     */
    private void refuseConnections(boolean refuse) throws SQLException {
        String database = config.getValue("DB_NAME", String.class);
        PGSimpleDataSource admin = new PGSimpleDataSource();
        admin.setServerNames(new String[] {config.getValue("DB_HOST", String.class)});
        admin.setPortNumbers(new int[] {config.getValue("DB_PORT", Integer.class)});
        admin.setUser(config.getValue("DB_USER", String.class));
        admin.setPassword(config.getOptionalValue("DB_PASSWORD", String.class).orElse(""));
        admin.setDatabaseName("postgres");
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS " + !refuse);
            if (refuse) {
                String sessions = "FROM pg_stat_activity WHERE datname = '" + database + "' AND pid <> pg_backend_pid()";
                s.execute("SELECT pg_terminate_backend(pid) " + sessions);
                // termination is a signal: wait until the sessions are gone
                Await.until("the test database's sessions to end", Duration.ofSeconds(10), () -> {
                    try (ResultSet rs = s.executeQuery("SELECT count(*) " + sessions)) {
                        return rs.next() && rs.getLong(1) == 0;
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
        }
    }

    private HttpResponse<String> admin(String method, String path) {
        return send(method, path, "admin:admin");
    }

    private HttpResponse<String> send(String method, String path, String credentials) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString()).resolve(path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30));
        if (credentials != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }

    private static jakarta.json.JsonStructure json(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        try (var reader = Json.createReader(new StringReader(response.body()))) {
            return reader.read();
        }
    }

}

package dev.pgevents.devdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Finds a Kafka broker for a developer run or a test run, in the order the README documents:
 * <ol>
 *   <li>KAFKA_BOOTSTRAP_SERVERS names a broker: use it, or fail naming it when it does not answer;</li>
 *   <li>tests only: a Testcontainers Kafka, when a Docker engine is available;</li>
 *   <li>a broker at localhost:9092, when one answers;</li>
 *   <li>an embedded single-node KRaft broker (Kafka from Maven Central): for a run in a JVM of its
 *       own on port 9092 with its data kept, for tests in this JVM on a free port with fresh data.</li>
 * </ol>
 * The choice is logged.
 */
public final class KafkaLocator {

    private static final Logger LOG = Logger.getLogger(KafkaLocator.class.getName());
    public static final String VARIABLE = "KAFKA_BOOTSTRAP_SERVERS";
    static final String LOCAL = "localhost:9092";

    private final Map<String, String> env;

    public KafkaLocator(Map<String, String> env) {
        this.env = env;
    }

    public KafkaBroker locate(PostgresLocator.Purpose purpose, Path embeddedDataDir) {
        String configured = env.get(VARIABLE);
        if (configured != null && !configured.isBlank()) {
            String failure = probe(configured);
            if (failure != null) {
                throw new IllegalStateException("Kafka at " + configured + " (named by " + VARIABLE
                        + ") does not answer: " + failure);
            }
            return logged(new KafkaBroker(configured, "configured by " + VARIABLE));
        }
        if (purpose == PostgresLocator.Purpose.TEST) {
            KafkaBroker container = TestcontainersKafka.startIfDockerAvailable();
            if (container != null) {
                return logged(container);
            }
        }
        String failure = refused("localhost", 9092) ? "connection refused" : probe(LOCAL);
        if (failure == null) {
            return logged(new KafkaBroker(LOCAL, "local broker on the default port"));
        }
        LOG.info("No Kafka broker at " + LOCAL + " (" + failure + "); starting an embedded Kafka broker");
        if (purpose == PostgresLocator.Purpose.RUN) {
            return logged(EmbeddedKafka.startProcess(embeddedDataDir, 9092));
        }
        deleteRecursively(embeddedDataDir);
        return logged(EmbeddedKafka.start(embeddedDataDir, EmbeddedKafka.freePort(), false));
    }

    /** Returns null when a Kafka broker answers at these bootstrap servers, else why not. */
    static String probe(String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500))) {
            admin.describeCluster().clusterId().get(4, TimeUnit.SECONDS);
            return null;
        } catch (TimeoutException e) {
            return "no answer within 4 s";
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (RuntimeException e) {
            return e.getMessage(); // e.g. a bootstrap address that does not resolve
        }
    }

    private static boolean refused(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not clear " + dir, e);
        }
    }

    private static KafkaBroker logged(KafkaBroker broker) {
        LOG.info("Using Kafka " + broker);
        return broker;
    }
}

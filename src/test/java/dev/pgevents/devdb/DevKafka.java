package dev.pgevents.devdb;

import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Step of the README's run command, before Liberty starts: locate a Kafka broker
 * (KAFKA_BOOTSTRAP_SERVERS, else localhost:9092, else an embedded broker on port 9092 that lives
 * as long as this JVM, data in target/kafka) and hand its address to the server.
 *
 * <p>Arguments: the Liberty server directory.
 */
public final class DevKafka {

    private static final Logger LOG = Logger.getLogger(DevKafka.class.getName());

    private DevKafka() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: DevKafka <liberty server directory>");
        }
        KafkaBroker broker = new KafkaLocator(System.getenv())
                .locate(PostgresLocator.Purpose.RUN, Path.of("target", "kafka"));
        Path file = LibertyVariables.write(Path.of(args[0]), "kafka.xml", broker.origin(),
                Map.of(KafkaLocator.VARIABLE, broker.bootstrapServers()));
        LOG.info("Kafka " + broker + "; server settings in " + file
                + (broker.origin().startsWith("embedded") ? "; the broker stops with this command (Ctrl-C)" : ""));
    }
}

package dev.pgevents.testsupport;

import dev.pgevents.devdb.KafkaBroker;
import dev.pgevents.devdb.KafkaLocator;
import dev.pgevents.devdb.PostgresLocator;
import java.nio.file.Path;

/** The Kafka broker of this test JVM, located (or started) once, see {@link KafkaLocator}. */
public final class TestKafka {

    private static KafkaBroker broker;

    private TestKafka() {
    }

    public static synchronized KafkaBroker broker() {
        if (broker == null) {
            broker = new KafkaLocator(System.getenv())
                    .locate(PostgresLocator.Purpose.TEST, Path.of("target", "kafka-test"));
        }
        return broker;
    }
}

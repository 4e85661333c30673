package dev.pgevents.devdb;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaLocatorTest {

    @Test
    void aBrokerNamedByTheVariableThatDoesNotAnswerFailsFastNamingIt() {
        int closed = EmbeddedKafka.freePort();
        String named = "localhost:" + closed;
        long t0 = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new KafkaLocator(Map.of(KafkaLocator.VARIABLE, named))
                        .locate(PostgresLocator.Purpose.RUN, Path.of("target", "kafka-unused")));
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        assertTrue(e.getMessage().contains(named) && e.getMessage().contains(KafkaLocator.VARIABLE), e.getMessage());
        assertTrue(seconds < 10, "failed after " + seconds + " s");
    }
}

package dev.pgevents.devdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pgevents.testsupport.TestDatabase;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PostgresLocatorTest {

    @Test
    void theRunCommandGetsAServerWithLogicalDecodingWhenNoServerIsNamed() {
        // localhost:5432 when its wal_level is logical, else an embedded server started with it
        PostgresServer server = new PostgresLocator(Map.of()).locate(PostgresLocator.Purpose.RUN,
                Path.of("target", "embedded-postgres-locator-test"));

        assertEquals("logical", PostgresLocator.walLevel(server), server.toString());
    }

    @Test
    void aServerNamedByDbVariablesIsUsedWhateverItsWalLevel() {
        PostgresServer named = TestDatabase.server();
        Map<String, String> env = Map.of("DB_HOST", named.host(), "DB_PORT", Integer.toString(named.port()),
                "DB_USER", named.user(), "DB_PASSWORD", named.password());

        PostgresServer server = new PostgresLocator(env).locate(PostgresLocator.Purpose.RUN, Path.of("target", "unused"));

        assertEquals(named.host() + ":" + named.port(), server.host() + ":" + server.port());
        assertEquals("configured by DB_* variables", server.origin());
    }
}

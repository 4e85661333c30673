package dev.pgevents.devdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevDatabaseTest {

    @Test
    void theRunCommandIsADevelopersMachineOnLocalhostUnlessTheCallerSaysOtherwise() {
        assertEquals(Map.of("pgevents.dev-mode", "true", "HTTP_HOST", "localhost"), DevDatabase.developmentSettings(Map.of()));
        assertEquals(Map.of("pgevents.dev-mode", "true", "HTTP_HOST", "0.0.0.0"),
                DevDatabase.developmentSettings(Map.of("HTTP_HOST", "0.0.0.0")));
        assertEquals(Map.of("pgevents.dev-mode", "false", "HTTP_HOST", "localhost"),
                DevDatabase.developmentSettings(Map.of("PGEVENTS_DEV_MODE", "false")));
    }

    @Test
    void theWarningNamesTheUsersThatKeepTheirDefaultPasswords() {
        assertEquals(List.of("admin/admin", "eventstore/eventstore"), DevDatabase.usersWithDefaultPasswords(Map.of()));
        assertEquals(List.of("ops/admin"), DevDatabase.usersWithDefaultPasswords(
                Map.of("ADMIN_USER", "ops", "EVENTSTORE_PASSWORD", "s3cret")));
        assertEquals(List.of(), DevDatabase.usersWithDefaultPasswords(
                Map.of("ADMIN_PASSWORD", "a", "EVENTSTORE_PASSWORD", "b")));
    }
}

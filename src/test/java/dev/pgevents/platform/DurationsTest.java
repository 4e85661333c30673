package dev.pgevents.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void unitsIsoAndPlainMillisecondsAreRead() {
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ofHours(1), Durations.parse(" 1h "));
        assertEquals(Duration.ofSeconds(5), Durations.parse("PT5S"));
        assertEquals(Duration.ofMillis(40), Durations.parse("40"));
    }

    @Test
    void anythingElseIsRefusedInWords() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Durations.parse("soon"));
        assertEquals("not a duration: 'soon' (use 250ms, 5s, 2m, 1h or PT5S)", refused.getMessage());
    }
}

package dev.pgevents.decision;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void backoffGrowsExponentiallyWithJitterWithinBounds() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(5), Duration.ofMillis(200));
        Random random = new Random(42);
        Set<Duration> seen = new HashSet<>();
        for (int attempt = 1; attempt <= 12; attempt++) {
            long ceilingMs = Math.min(200, 5L << (attempt - 1));
            for (int i = 0; i < 50; i++) {
                Duration d = p.backoff(attempt, random);
                assertTrue(d.compareTo(Duration.ofMillis(5)) >= 0, d.toString());
                assertTrue(d.compareTo(Duration.ofMillis(ceilingMs)) <= 0, attempt + ": " + d);
                seen.add(d);
            }
        }
        assertTrue(seen.size() > 100, "jittered");
    }

    @Test
    void invalidPoliciesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(1, Duration.ofMillis(5), Duration.ofMillis(1)));
    }
}

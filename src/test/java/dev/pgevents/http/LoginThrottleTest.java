package dev.pgevents.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final AtomicLong now = new AtomicLong();
    private final LoginThrottle throttle = new LoginThrottle(5, Duration.ofMinutes(1), 100, now::get);

    @Test
    void fiveFailuresForOneUserBlockItForAWindowFromAnyAddress() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("admin", "10.0.0." + i);
        }
        assertEquals(Optional.empty(), throttle.blocked("admin", "10.0.0.99"));
        throttle.failed("admin", "10.0.0.4");
        assertEquals(Optional.of(Duration.ofMinutes(1)), throttle.blocked("admin", "10.0.0.99"));
        assertEquals(Optional.empty(), throttle.blocked("other", "10.0.0.99"));
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        assertEquals(Optional.of(Duration.ofSeconds(1)), throttle.blocked("admin", "10.0.0.99"));
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertEquals(Optional.empty(), throttle.blocked("admin", "10.0.0.99"));
    }

    @Test
    void fiveFailuresFromOneAddressBlockItForEveryUser() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("user" + i, "10.0.0.1");
        }
        assertTrue(throttle.blocked("someone-else", "10.0.0.1").isPresent());
        assertEquals(Optional.empty(), throttle.blocked("someone-else", "10.0.0.2"));
    }

    @Test
    void failuresOlderThanTheWindowAreForgottenAndASuccessClearsTheUser() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("admin", "a" + i);
        }
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        throttle.failed("admin", "b");
        assertEquals(Optional.empty(), throttle.blocked("admin", "c"), "four old failures and one new");
        for (int i = 0; i < 3; i++) {
            throttle.failed("admin", "d" + i);
        }
        throttle.succeeded("admin");
        throttle.failed("admin", "e");
        assertEquals(Optional.empty(), throttle.blocked("admin", "f"));
    }

    @Test
    void memoryIsBoundedWhateverClientsSend() {
        for (int i = 0; i < 100_000; i++) {
            throttle.failed("guess-" + i + "x".repeat(1000), "addr-" + i);
        }
        assertEquals(100, throttle.size());
        // the least recently seen go first: the latest sprayer is still blocked
        for (int i = 0; i < 4; i++) {
            throttle.failed("victim", "addr-last");
        }
        throttle.failed("victim", "addr-last");
        assertTrue(throttle.blocked("victim", "elsewhere").isPresent());
    }
}

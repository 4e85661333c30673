package dev.pgevents.http;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Slows down password guessing: after {@code maxFailures} failed logins within {@code window} for
 * one user id or from one client address, that user id or address is refused for {@code window}.
 * Memory stays bounded whatever clients send: at most {@code capacity} user ids and addresses are
 * tracked, the least recently seen forgotten first.
 */
final class LoginThrottle {

    /** The longest user id kept as a key: longer ones are tracked by their prefix. */
    private static final int MAX_KEY_LENGTH = 128;

    private final int maxFailures;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Failures> tracked;

    LoginThrottle(int maxFailures, Duration window, int capacity, LongSupplier nanoClock) {
        this.maxFailures = maxFailures;
        this.windowNanos = window.toNanos();
        this.nanoClock = nanoClock;
        this.tracked = new LinkedHashMap<>(capacity * 4 / 3 + 1, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
                return size() > capacity;
            }
        };
    }

    /** How long {@code user} or {@code address} is still refused; empty when a login may be tried. */
    synchronized Optional<Duration> blocked(String user, String address) {
        long now = nanoClock.getAsLong();
        long wait = Math.max(remaining(userKey(user), now), remaining(addressKey(address), now));
        return wait > 0 ? Optional.of(Duration.ofNanos(wait)) : Optional.empty();
    }

    synchronized void failed(String user, String address) {
        long now = nanoClock.getAsLong();
        count(userKey(user), now);
        count(addressKey(address), now);
    }

    /** A successful login clears the user's failures (not the address's: one address may guess many users). */
    synchronized void succeeded(String user) {
        tracked.remove(userKey(user));
    }

    /** User ids and addresses tracked now. */
    synchronized int size() {
        return tracked.size();
    }

    private long remaining(String key, long now) {
        Failures failures = tracked.get(key);
        return failures == null ? 0 : failures.blockedUntil - now;
    }

    private void count(String key, long now) {
        Failures failures = tracked.computeIfAbsent(key, k -> new Failures(now));
        if (now - failures.windowStart > windowNanos) {
            failures.windowStart = now;
            failures.count = 0;
        }
        if (++failures.count >= maxFailures) {
            failures.blockedUntil = now + windowNanos;
            failures.windowStart = now;
            failures.count = 0;
        }
    }

    private static String userKey(String user) {
        return "user:" + (user.length() > MAX_KEY_LENGTH ? user.substring(0, MAX_KEY_LENGTH) : user);
    }

    private static String addressKey(String address) {
        return "address:" + address;
    }

    private static final class Failures {
        long windowStart;
        int count;
        long blockedUntil;

        Failures(long now) {
            windowStart = now;
            blockedUntil = now;
        }
    }
}

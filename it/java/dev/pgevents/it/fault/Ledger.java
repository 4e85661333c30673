package dev.pgevents.it.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** Every outcome the clients saw, in the order they saw them; waits on progress with deadlines. */
final class Ledger {

    private final List<Outcome> outcomes = new ArrayList<>();
    private int acknowledged;

    synchronized void record(Outcome outcome) {
        outcomes.add(outcome);
        if (outcome.acknowledged()) {
            acknowledged++;
        }
        notifyAll();
    }

    synchronized int acknowledged() {
        return acknowledged;
    }

    synchronized List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    /** Waits until {@code count} commands have been acknowledged in all; fails with the last outcomes at the deadline. */
    synchronized void awaitAcknowledged(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acknowledged < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("only " + acknowledged + " of " + count + " commands acknowledged within "
                        + timeout.toSeconds() + " s; last outcomes: " + outcomes.subList(Math.max(0, outcomes.size() - 5), outcomes.size()));
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** When the first command after {@code sinceNanos} was acknowledged, if one was. */
    synchronized OptionalLong firstAcknowledgedAfter(long sinceNanos) {
        return outcomes.stream().filter(o -> o.acknowledged() && o.atNanos() > sinceNanos)
                .mapToLong(Outcome::atNanos).min();
    }
}

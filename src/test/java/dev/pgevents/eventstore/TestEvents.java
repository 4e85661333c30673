package dev.pgevents.eventstore;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Events of the event store tests. */
public sealed interface TestEvents extends Event {

    record Opened(@Tag("account") String accountId) implements TestEvents {
    }

    record Deposited(@Tag("account") String accountId, long amount) implements TestEvents {
    }

    @EventType("transfer-made")
    record Transferred(@Tag("account") List<String> accounts, long amount) implements TestEvents {
    }

    enum Color { RED, GREEN }

    record Tagged(@Tag("id") UUID id, @Tag("n") int number, @Tag Color color, @Tag("set") Set<String> labels)
            implements TestEvents {
        @Tag("derived")
        public String derived() {
            return "x" + number;
        }
    }

    record Untagged(String text) implements TestEvents {
    }

    /** Refuses a negative amount in its constructor, as domain events validate their values. */
    record Withdrawn(@Tag("account") String accountId, long amount) implements TestEvents {
        public Withdrawn {
            if (amount < 0) {
                throw new IllegalArgumentException("the amount must not be negative: " + amount);
            }
        }
    }

    record Race(@Tag("race") String race, @Tag("thread") int thread) implements TestEvents {
    }

    static EventTypeRegistry registry() {
        return EventTypeRegistry.of(TestEvents.class);
    }
}

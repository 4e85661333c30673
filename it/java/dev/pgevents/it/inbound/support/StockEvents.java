package dev.pgevents.it.inbound.support;

import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventTypes;
import dev.pgevents.eventstore.Tag;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;

/** Test-only events of the inbound integration tests (no domain). */
public sealed interface StockEvents extends Event {

    /** Stock arrived (an unconditional append); {@code sequence} is the producer's numbering. */
    record StockReceived(@Tag("sku") String sku, long quantity, long sequence) implements StockEvents {
    }

    /** Stock reserved (a decision: rejected when the stock does not cover it). */
    record StockReserved(@Tag("sku") String sku, long quantity) implements StockEvents {
    }

    @ApplicationScoped
    class Types implements EventTypes {
        @Override
        public Collection<Class<? extends Event>> eventTypes() {
            return List.of(StockEvents.class);
        }
    }
}

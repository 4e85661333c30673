package dev.pgevents.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.pgevents.eventstore.Metadata;
import dev.pgevents.eventstore.RecordedEvent;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CausesTest {

    @Test
    void givenARequestsCauseWhenAnEventIsStampedThenItCarriesTheCorrelationAndTheCommand() {
        try (Causes.Scope scope = Causes.enter(new Cause("corr-1", "command-1"))) {
            Metadata stamped = Causes.stamp(Metadata.empty());
            assertEquals("corr-1", stamped.correlationId());
            assertEquals("command-1", stamped.causationId());
            assertNull(stamped.values().get(Causes.TRACE_PARENT), "no span outside a container");
        }
        assertNull(Causes.current(), "the scope restored the thread");
        assertEquals(Metadata.empty(), Causes.stamp(Metadata.empty()));
    }

    @Test
    void givenADecisionWithItsOwnIdsWhenStampedThenItsIdsWin() {
        try (Causes.Scope scope = Causes.enter(new Cause("corr-1", "command-1"))) {
            Metadata own = Metadata.empty().withCorrelationId("mine").withCausationId("my-cause");
            assertEquals(own, Causes.stamp(own));
        }
    }

    @Test
    void givenAnEventWhenAnAutomationRunsThenItsCorrelationGoesOnAndTheEventIsTheCause() {
        UUID eventId = UUID.randomUUID();
        RecordedEvent event = new RecordedEvent(7, eventId, "Something", Set.of(), null,
                Metadata.empty().withCorrelationId("corr-1"), Instant.now());
        try (Causes.Scope outer = Causes.enter(new Cause("other", "other"));
             Causes.Scope scope = Causes.causedBy(event)) {
            assertEquals(new Cause("corr-1", eventId.toString()), Causes.current());
        }
        RecordedEvent uncorrelated = new RecordedEvent(8, eventId, "Something", Set.of(), null, Metadata.empty(), Instant.now());
        try (Causes.Scope scope = Causes.causedBy(uncorrelated)) {
            assertEquals(new Cause(eventId.toString(), eventId.toString()), Causes.current(), "it starts a correlation");
        }
    }
}

package dev.pgevents.inbound;

import dev.pgevents.decision.Decision;
import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.NewEvent;
import java.util.Arrays;
import java.util.List;

/** What a message asks for: a decision, an unconditional append, or nothing. */
public sealed interface InboundCommand {

    /** A decision, made by the DecisionMaker (conflicts retried); a rejection parks the message. */
    record Decide(Decision decision) implements InboundCommand {
        public Decide {
            if (decision == null) {
                throw new IllegalArgumentException("decision is null");
            }
        }
    }

    /** Events appended without a condition. */
    record Append(List<NewEvent> events) implements InboundCommand {
        public Append {
            if (events == null || events.isEmpty()) {
                throw new IllegalArgumentException("an append needs at least one event");
            }
            events = List.copyOf(events);
        }
    }

    /** A message of no interest: only its offset is recorded. */
    record Ignore() implements InboundCommand {
    }

    static InboundCommand decide(Decision decision) {
        return new Decide(decision);
    }

    static InboundCommand append(Event... events) {
        return new Append(Arrays.stream(events).map(NewEvent::of).toList());
    }

    static InboundCommand ignore() {
        return new Ignore();
    }
}

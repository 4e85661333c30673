package dev.pgevents.decision.testing;

import dev.pgevents.decision.Decision;
import dev.pgevents.decision.DecisionRejected;
import dev.pgevents.decision.State;
import dev.pgevents.decision.States;
import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.Metadata;
import dev.pgevents.eventstore.RecordedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Given-When-Then for decisions, without a database:
 * <pre>{@code
 * DecisionScenario.given(new CourseDefined("c1", 2), new StudentSubscribed("c1", "s1"))
 *         .when(new Subscribe("c1", "s2"))
 *         .thenEvents(new StudentSubscribed("c1", "s2"));
 * }</pre>
 * Each state folds, in the given order, only the given events that match its query (the same
 * in-memory matcher the store's SQL mirrors); type names and tags are derived as the registry
 * does. Failures throw {@link AssertionError}, so any test framework reports them.
 */
public final class DecisionScenario {

    private final List<RecordedEvent> history;

    private DecisionScenario(List<RecordedEvent> history) {
        this.history = history;
    }

    public static DecisionScenario given(Event... events) {
        return given(Arrays.asList(events));
    }

    public static DecisionScenario given(List<? extends Event> events) {
        List<RecordedEvent> history = new ArrayList<>();
        for (Event e : events) {
            history.add(recorded(history.size() + 1, UUID.randomUUID(), e, Metadata.empty()));
        }
        return new DecisionScenario(history);
    }

    /** Given events with explicit ids and metadata (positions follow the list order). */
    public static DecisionScenario givenRecorded(List<RecordedEvent> events) {
        return new DecisionScenario(List.copyOf(events));
    }

    /** A recorded event as the store would return it, for {@link #givenRecorded}. */
    public static RecordedEvent recorded(long position, UUID eventId, Event event, Metadata metadata) {
        return new RecordedEvent(position, eventId, EventTypeRegistry.typeNameOf(event.getClass()),
                EventTypeRegistry.tagsFor(event), event, metadata, Instant.EPOCH.plusSeconds(position));
    }

    public Outcome when(Decision decision) {
        List<State<?>> states = new ArrayList<>(decision.initialStates());
        for (RecordedEvent e : history) {
            for (int i = 0; i < states.size(); i++) {
                State<?> s = states.get(i);
                if (s.query().matches(e.type(), e.tags())) {
                    states.set(i, s.evolve(e));
                }
            }
        }
        try {
            List<? extends Event> produced = decision.process(new States(states));
            List<Event> events = produced == null ? List.of() : List.copyOf(produced);
            for (Event e : events) {
                EventTypeRegistry.typeNameOf(e.getClass()); // the store would reject these too
                EventTypeRegistry.tagsFor(e);
            }
            return new Outcome(decision, events, null, states);
        } catch (DecisionRejected rejected) {
            return new Outcome(decision, null, rejected, states);
        }
    }

    /** The outcome of {@link #when}: assert on it. */
    public static final class Outcome {

        private final Decision decision;
        private final List<Event> events;
        private final DecisionRejected rejection;
        private final List<State<?>> states;

        private Outcome(Decision decision, List<Event> events, DecisionRejected rejection, List<State<?>> states) {
            this.decision = decision;
            this.events = events;
            this.rejection = rejection;
            this.states = states;
        }

        /** The decision produced exactly these events, in this order (record equality). */
        public Outcome thenEvents(Event... expected) {
            if (rejection != null) {
                throw new AssertionError(name() + " was rejected (" + rejection.reason() + ": "
                        + rejection.getMessage() + "), expected events " + Arrays.toString(expected), rejection);
            }
            if (!events.equals(Arrays.asList(expected))) {
                throw new AssertionError(name() + " produced " + events + ", expected " + Arrays.toString(expected)
                        + " (states " + states + ")");
            }
            return this;
        }

        /** The decision accepted and produced nothing (e.g. an idempotent repeat). */
        public Outcome thenNoEvents() {
            return thenEvents();
        }

        /** The decision was rejected with this type (or a subclass). */
        public Outcome thenRejected(Class<? extends DecisionRejected> type) {
            if (rejection == null) {
                throw new AssertionError(name() + " produced " + events + ", expected a rejection " + type.getSimpleName());
            }
            if (!type.isInstance(rejection)) {
                throw new AssertionError(name() + " was rejected with " + rejection.getClass().getSimpleName()
                        + " (" + rejection.reason() + "), expected " + type.getSimpleName(), rejection);
            }
            return this;
        }

        /** The decision was rejected with this reason code. */
        public Outcome thenRejected(String reason) {
            if (rejection == null) {
                throw new AssertionError(name() + " produced " + events + ", expected a rejection '" + reason + "'");
            }
            if (!reason.equals(rejection.reason())) {
                throw new AssertionError(name() + " was rejected with '" + rejection.reason() + "', expected '"
                        + reason + "'", rejection);
            }
            return this;
        }

        public List<Event> events() {
            if (events == null) {
                throw new AssertionError(name() + " was rejected: " + rejection.reason(), rejection);
            }
            return events;
        }

        public DecisionRejected rejection() {
            return rejection;
        }

        private String name() {
            return decision.getClass().getSimpleName();
        }
    }
}

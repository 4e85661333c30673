package dev.pgevents.decision;

import java.util.List;

/** The folded states of a decision, in the order of {@link Decision#initialStates()}. */
public final class States {

    private final List<State<?>> states;

    public States(List<State<?>> states) {
        this.states = List.copyOf(states);
    }

    /** The single state of this class (fails if there is none or more than one). */
    public <S extends State<S>> S get(Class<S> type) {
        S found = null;
        for (State<?> s : states) {
            if (type.isInstance(s)) {
                if (found != null) {
                    throw new IllegalStateException("more than one state of " + type.getSimpleName()
                            + ": use get(type, index)");
                }
                found = type.cast(s);
            }
        }
        if (found == null) {
            throw new IllegalStateException("the decision declared no state of " + type.getSimpleName());
        }
        return found;
    }

    /** The index-th state of this class, in declaration order. */
    public <S extends State<S>> S get(Class<S> type, int index) {
        int i = 0;
        for (State<?> s : states) {
            if (type.isInstance(s) && i++ == index) {
                return type.cast(s);
            }
        }
        throw new IllegalStateException("no state #" + index + " of " + type.getSimpleName());
    }

    public List<State<?>> all() {
        return states;
    }

    @Override
    public String toString() {
        return "States" + states;
    }
}

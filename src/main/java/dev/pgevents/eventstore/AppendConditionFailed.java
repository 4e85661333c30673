package dev.pgevents.eventstore;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The conflict of a conditional append: an event matching the condition's query was appended
 * after the condition's position (of one of its conditions, for an append with several). Nothing
 * was appended.
 */
public final class AppendConditionFailed extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final transient List<AppendCondition> conditions;

    public AppendConditionFailed(AppendCondition condition) {
        this(List.of(condition));
    }

    /** An append with several conditions (one at least): one of them failed (the check does not say which). */
    public AppendConditionFailed(List<AppendCondition> conditions) {
        super("append condition failed: " + requireSome(conditions).stream()
                .map(c -> "an event matching " + c.failIfEventsMatch() + " exists after position " + c.after())
                .collect(Collectors.joining(", or ")));
        this.conditions = List.copyOf(conditions);
    }

    private static List<AppendCondition> requireSome(List<AppendCondition> conditions) {
        if (conditions == null || conditions.isEmpty()) {
            throw new IllegalArgumentException("a failed append has one condition at least");
        }
        return conditions;
    }

    /** The condition, or the first of several (not necessarily the one that failed). */
    public AppendCondition condition() {
        return conditions.get(0);
    }

    public List<AppendCondition> conditions() {
        return conditions;
    }
}

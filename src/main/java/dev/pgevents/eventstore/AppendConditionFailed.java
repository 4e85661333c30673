package dev.pgevents.eventstore;

/**
 * The conflict of a conditional append: an event matching the condition's query was appended
 * after the condition's position. Nothing was appended.
 */
public final class AppendConditionFailed extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final transient AppendCondition condition;

    public AppendConditionFailed(AppendCondition condition) {
        super("append condition failed: an event matching " + condition.failIfEventsMatch()
                + " exists after position " + condition.after());
        this.condition = condition;
    }

    public AppendCondition condition() {
        return condition;
    }
}

package dev.pgevents.dcbapi;

import dev.pgevents.eventstore.AppendCondition;
import java.util.List;

/** A parsed append: the events in request order and the condition (null: unconditional). */
public record AppendRequest(List<DcbEvent> events, AppendCondition condition) {
}

package dev.pgevents.eventstore;

import java.util.OptionalLong;

/**
 * The outcome of a completed read.
 *
 * @param count               rows read (skipped unknown types included)
 * @param lastPosition        position of the last row read, in read order
 * @param consistencyPosition the position to use as {@link AppendCondition#after()} for a decision
 *                            based on this read: every event matching the query at or below it was
 *                            seen (or lies below {@code from}, or was skipped by the caller's
 *                            choice); empty for an {@link ReadOptions.Consistency#UNCAPPED} read
 */
public record ReadResult(long count, OptionalLong lastPosition, OptionalLong consistencyPosition) {
}

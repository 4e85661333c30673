package dev.pgevents.eventstore;

import java.util.Optional;
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
 * @param appendCondition     the condition to append with for a decision based on this read: the
 *                            read's query after {@code consistencyPosition} (for a complete LOCKED
 *                            read in a transaction, with the proof that its locks are held); empty
 *                            for an UNCAPPED read
 */
public record ReadResult(long count, OptionalLong lastPosition, OptionalLong consistencyPosition,
                         Optional<AppendCondition> appendCondition) {
}

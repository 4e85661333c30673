package dev.pgevents.eventstore.jdbc;

import java.time.Instant;
import java.util.List;

/**
 * What one append inserted: its events' positions in row order, and their recorded_at (the
 * transaction's start time, the same for every row of a transaction).
 */
record Inserted(List<Long> positions, Instant recordedAt) {
}

package dev.pgevents.eventstore.jdbc;

/**
 * What group commit did since the store started: the shared transactions it ran, the appends in
 * them, {@code batchesOfSize[n]}: how many had n appends (the last slot counts that many and
 * more; slot 0 is always 0), the batches that failed before their commit (their appends then ran
 * alone), the appends waiting for the next batch when it was read, and the time a batch was
 * running (its statements, connection, round trip and commit; not the hand-over of the lead), in
 * milliseconds: batches run one at a time, so its share of a period tells how much of it the
 * shared transactions kept the writer busy.
 */
public record GroupCommitStatistics(long batches, long appends, long[] batchesOfSize, long fallbacks, int waiting,
                                    long busyMillis) {

    /** Appends per shared transaction on average; 0 before the first. */
    public double meanBatchSize() {
        return batches == 0 ? 0 : (double) appends / batches;
    }

    /** The counts since an earlier reading of the same store. */
    public GroupCommitStatistics since(GroupCommitStatistics earlier) {
        long[] sizes = batchesOfSize.clone();
        for (int i = 0; i < sizes.length && i < earlier.batchesOfSize.length; i++) {
            sizes[i] -= earlier.batchesOfSize[i];
        }
        return new GroupCommitStatistics(batches - earlier.batches, appends - earlier.appends, sizes,
                fallbacks - earlier.fallbacks, waiting, busyMillis - earlier.busyMillis);
    }
}

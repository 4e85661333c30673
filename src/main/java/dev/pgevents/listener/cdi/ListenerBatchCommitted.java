package dev.pgevents.listener.cdi;

/**
 * CDI event fired on this node after a listener's batch committed (outside its transaction): what
 * it handled is visible to every reader now. Live read-model feeds observe it to push the changed
 * rows. Only batches that handled events fire it.
 *
 * @param listenerId the listener
 * @param events     events handled in the batch
 * @param position   the listener's checkpoint after the batch (lower than before after a reset)
 */
public record ListenerBatchCommitted(String listenerId, int events, long position) {
}

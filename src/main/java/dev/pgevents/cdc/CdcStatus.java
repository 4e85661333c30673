package dev.pgevents.cdc;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

/**
 * What the admin API shows: the reader's state on this node ({@code running}, {@code standby},
 * {@code unavailable}) and why, the slot, and each operator.
 */
@JsonbPropertyOrder({"state", "reason", "slot", "operators"})
public record CdcStatus(String state, String reason, Slot slot, List<OperatorStatus> operators) {

    /**
     * The replication slot; null fields when it does not exist (yet). {@code lagBytes}: WAL between
     * the current position and the confirmed LSN.
     */
    @JsonbPropertyOrder({"name", "confirmedLsn", "retainedWalBytes", "active", "lagBytes"})
    public record Slot(String name, Long confirmedLsn, Long retainedWalBytes, Boolean active, Long lagBytes) {
    }

    /**
     * @param appliedLsn the LSN up to which the operator handled every source transaction
     * @param status     running, retrying (a transaction failed, attempts left) or stopped
     */
    @JsonbPropertyOrder({"name", "appliedLsn", "status", "lastError", "attempts"})
    public record OperatorStatus(String name, long appliedLsn, String status, String lastError, int attempts) {
    }
}

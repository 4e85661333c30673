package dev.pgevents.cdc;

import dev.pgevents.http.DatabaseOutage;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * Reads the replication slot and applies each source transaction to every operator, in commit
 * order (plain Java: the container only gives it a thread, see {@code cdc.cdi.CdcRuntime}).
 *
 * <p>One reader per cluster: it holds a session advisory lock on its replication connection while
 * it reads; a reader that does not get it is a standby and tries again every retry interval, so
 * it takes over within that interval when the holder's connection dies. The slot's flushed LSN
 * told to the server is the lowest position over the operators, and it advances on a quiet
 * database too (keepalives carry the server's WAL position), so the slot retains no more WAL than
 * the slowest operator needs.
 */
public final class ChangeReader implements Runnable {

    private static final Logger LOG = Logger.getLogger(ChangeReader.class.getName());
    private static final Duration IDLE_PAUSE = Duration.ofMillis(5);

    /** What the reader on this node does: reads the slot, waits for another node's slot, or cannot run. */
    public enum State { RUNNING, STANDBY, UNAVAILABLE }

    /** An operator's progress as this reader knows it. */
    public record OperatorProgress(String name, long position, String status, int attempts, String lastError) {
    }

    private static final class Progress {
        final OperatorDefinition definition;
        volatile long position;
        volatile String status = "running";
        volatile int attempts;
        volatile String lastError;

        Progress(OperatorDefinition definition) {
            this.definition = definition;
        }

        String name() {
            return definition.name();
        }

        boolean stopped() {
            return "stopped".equals(status);
        }
    }

    private final ReplicationConnector connector;
    private final DataSource dataSource;
    private final CdcSettings settings;
    private final List<Progress> operators = new ArrayList<>();
    private final Object signal = new Object();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile boolean restart;
    private volatile State state = State.STANDBY;
    private volatile String reason = "starting";
    private long floor;

    public ChangeReader(ReplicationConnector connector, DataSource dataSource, CdcSettings settings,
                        List<OperatorDefinition> definitions) {
        this.connector = connector;
        this.dataSource = dataSource;
        this.settings = settings;
        Set<String> names = new LinkedHashSet<>();
        for (OperatorDefinition d : definitions) {
            if (!names.add(d.name())) {
                throw new IllegalArgumentException("two operators are named " + d.name());
            }
            operators.add(new Progress(d));
        }
    }

    public State state() {
        return state;
    }

    /** Why the reader is not running here; null while it runs. */
    public String reason() {
        return reason;
    }

    public List<OperatorProgress> progress() {
        return operators.stream().map(p -> new OperatorProgress(p.name(), p.position, p.status, p.attempts, p.lastError)).toList();
    }

    /** The stream starts again from the slot's confirmed LSN (after a stopped operator is resumed). */
    public void restart() {
        restart = true;
        wake();
    }

    /** Asks the reader to end and waits for it; false when it did not end in time. */
    public boolean stop(Duration timeout) {
        stopping = true;
        wake();
        try {
            return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                try {
                    session();
                } catch (SQLException | RuntimeException e) {
                    if (!stopping) {
                        // the reason is public (readiness): the driver's message, which names host and port, is logged only
                        LOG.warning(() -> "CDC reader failed, it tries again in " + settings.retryInterval().toMillis()
                                + " ms: " + ErrorMessages.of(e));
                        becomes(State.UNAVAILABLE, "the reader lost its connection or failed; it tries again");
                    }
                }
                if (!restart) {
                    pause(settings.retryInterval());
                }
                restart = false;
            }
        } finally {
            state = State.STANDBY;
            reason = "stopped";
            ended.countDown();
        }
    }

    private void session() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Optional<String> problem = CdcSetup.problem(c, settings.slot());
            if (problem.isPresent()) {
                becomes(State.UNAVAILABLE, problem.get());
                return;
            }
        }
        try (Connection replication = connector.open()) {
            if (!lock(replication)) {
                becomes(State.STANDBY, "another node reads replication slot " + settings.slot());
                return;
            }
            prepare();
            stream(replication.unwrap(PGConnection.class));
        }
    }

    /** The cluster-wide lock of this slot's reader, held by the replication connection's session. */
    private boolean lock(Connection replication) throws SQLException {
        try (PreparedStatement s = replication.prepareStatement("SELECT pg_try_advisory_lock(hashtext('pgevents-cdc:' || ?))")) {
            s.setString(1, settings.slot());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private void prepare() throws SQLException {
        Set<String> tables = new LinkedHashSet<>();
        operators.forEach(p -> tables.addAll(p.definition.keys().keySet()));
        try (Connection c = dataSource.getConnection()) {
            CdcSetup.prepare(c, settings, tables);
            OperatorTables.ensure(c, operators.stream().map(Progress::name).toList());
            floor = OperatorTables.slot(c, settings.slot()).map(OperatorTables.Slot::confirmedLsn).orElse(0L);
            for (Progress p : operators) {
                OperatorTables.Row row = OperatorTables.row(c, p.name()).orElseThrow();
                p.position = Math.max(p.position, row.appliedLsn());
                p.status = OperatorTables.STOPPED.equals(row.status()) ? "stopped" : "running";
                p.attempts = row.attempts();
                p.lastError = row.lastError();
            }
        }
    }

    private void stream(PGConnection connection) throws SQLException {
        PGReplicationStream stream = connection.getReplicationAPI().replicationStream().logical()
                .withSlotName(settings.slot())
                .withSlotOption("proto_version", 1)
                .withSlotOption("publication_names", settings.publication())
                .withStatusInterval((int) settings.statusInterval().toMillis(), TimeUnit.MILLISECONDS)
                .start();
        becomes(State.RUNNING, null);
        PgOutput decoder = new PgOutput();
        Transaction transaction = null;
        long confirmed = floor;
        long nextResumeCheck = System.nanoTime() + settings.retryInterval().toNanos();
        while (!stopping && !restart) {
            ByteBuffer buffer = stream.readPending();
            if (buffer == null) {
                if (transaction == null) {
                    // everything the server sent up to its WAL position is handled
                    advanceRunning(stream.getLastReceiveLSN().asLong());
                }
                confirmed = confirm(stream, confirmed, true);
                if (System.nanoTime() > nextResumeCheck) {
                    checkResumed();
                    nextResumeCheck = System.nanoTime() + settings.retryInterval().toNanos();
                }
                pause(IDLE_PAUSE);
                continue;
            }
            PgOutput.Message message = decoder.decode(buffer);
            if (message instanceof PgOutput.Begin begin) {
                transaction = new Transaction(begin);
            } else if (message instanceof PgOutput.RowChange change && transaction != null) {
                transaction.changes.add(change);
            } else if (message instanceof PgOutput.Commit commit && transaction != null) {
                apply(transaction.events(commit), commit.endLsn(), transaction.begin.xid());
                transaction = null;
                confirmed = confirm(stream, confirmed, false);
            }
        }
        stream.close();
    }

    private long confirm(PGReplicationStream stream, long confirmed, boolean force) throws SQLException {
        long flush = floor;
        if (!operators.isEmpty()) {
            flush = Math.max(floor, operators.stream().mapToLong(p -> p.position).min().orElse(floor));
        }
        if (flush > confirmed) {
            LogSequenceNumber lsn = LogSequenceNumber.valueOf(flush);
            stream.setAppliedLSN(lsn);
            stream.setFlushedLSN(lsn);
            if (force) {
                stream.forceUpdateStatus();
            }
            return flush;
        }
        return confirmed;
    }

    private void advanceRunning(long lsn) {
        for (Progress p : operators) {
            if (!p.stopped() && lsn > p.position) {
                p.position = lsn;
            }
        }
    }

    /** A stopped operator resumed through another node's admin API: start the stream again. */
    private void checkResumed() throws SQLException {
        if (operators.stream().noneMatch(Progress::stopped)) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            for (Progress p : operators) {
                if (p.stopped() && OperatorTables.row(c, p.name()).map(r -> OperatorTables.RUNNING.equals(r.status())).orElse(false)) {
                    restart = true;
                }
            }
        }
    }

    /** The transaction ending at the LSN, for each operator that has not handled it; a stopped one waits for its resume. */
    private void apply(List<ChangeEvent> changes, long lsn, int xid) throws SQLException {
        for (Progress p : operators) {
            if (stopping || p.stopped() || lsn <= p.position) {
                continue;
            }
            List<ChangeEvent> watched = changes.stream().filter(p.definition::watches).toList();
            if (watched.isEmpty()) {
                p.position = lsn;
            } else {
                applyWithRetries(p, watched, lsn, xid);
            }
        }
    }

    private void applyWithRetries(Progress p, List<ChangeEvent> changes, long lsn, int xid) throws SQLException {
        long pause = settings.backoffMin().toMillis();
        while (!stopping) {
            try {
                applyOnce(p, changes, lsn, xid);
                p.position = lsn;
                p.status = "running";
                p.attempts = 0;
                p.lastError = null;
                return;
            } catch (SQLException | RuntimeException e) {
                if (DatabaseOutage.isOutage(e)) {
                    // the database went away, not the operator: the reader reconnects and this transaction comes again
                    throw e instanceof SQLException sql ? sql : new SQLException(ErrorMessages.of(e), "08006", e);
                }
                p.attempts++;
                p.lastError = ErrorMessages.of(e);
                boolean stop = p.attempts >= settings.maxAttempts();
                recordFailure(p, stop);
                if (stop) {
                    p.status = "stopped";
                    LOG.warning(() -> "CDC operator " + p.name() + " stopped after " + p.attempts + " attempts at the"
                            + " transaction ending at LSN " + Lsn.text(lsn) + ": " + p.lastError
                            + "; resume it with POST /api/admin/cdc/operators/" + p.name() + "/resume");
                    return;
                }
                p.status = "retrying";
                LOG.log(Level.INFO, () -> "CDC operator " + p.name() + " failed attempt " + p.attempts + " at LSN "
                        + Lsn.text(lsn) + ": " + p.lastError);
                pause(Duration.ofMillis(pause));
                if (restart) {
                    return; // the stream starts again from the slot's confirmed LSN: this transaction comes again
                }
                pause = Math.min(pause * 2, settings.backoffMax().toMillis());
            }
        }
    }

    /** The operator's effect and its applied LSN in one transaction; a transaction it already applied is skipped. */
    private void applyOnce(Progress p, List<ChangeEvent> changes, long lsn, int xid) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (OperatorTables.lockApplied(c, p.name()) < lsn) {
                    awaitVisible(c, xid);
                    for (ChangeEvent change : changes) {
                        p.definition.apply(c, change);
                    }
                    OperatorTables.markApplied(c, p.name(), lsn);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * The WAL sender may send a commit before the committing backend has left the proc array: for
     * that moment new snapshots still see the source transaction as running, and an operator that
     * re-reads the source tables (a MERGE or INSERT ... SELECT) would miss the very transaction it
     * applies. Found by CdcIT under synchronous_commit=on. Wait until a fresh snapshot sees it
     * (READ COMMITTED: the effect's statements take newer snapshots still).
     */
    static void awaitVisible(Connection c, int xid) throws SQLException {
        long deadline = System.nanoTime() + VISIBILITY_TIMEOUT.toNanos();
        try (PreparedStatement s = c.prepareStatement(SOURCE_VISIBLE)) {
            s.setLong(1, Integer.toUnsignedLong(xid));
            while (true) {
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new SQLException("the source transaction " + Integer.toUnsignedString(xid)
                            + " is committed in the WAL but not yet visible after " + VISIBILITY_TIMEOUT.toSeconds() + " s");
                }
                Thread.onSpinWait();
            }
        }
    }

    /**
     * The stream's 32-bit xid widened to an xid8 with the epoch of this transaction's own xid (assigned
     * now, it writes anyway), which is newer than the source's: the previous epoch when that wraps.
     * Not the snapshot's xmax: until the source leaves the proc array, xmax may not be past it.
     */
    private static final String SOURCE_VISIBLE = """
            SELECT pg_visible_in_snapshot(
                     (CASE WHEN ((m >> 32) << 32) + x > m THEN (((m >> 32) - 1) << 32) + x ELSE ((m >> 32) << 32) + x END)::text::xid8,
                     pg_current_snapshot())
              FROM (SELECT pg_current_xact_id()::text::bigint AS m, ?::bigint AS x) AS s
            """;
    private static final Duration VISIBILITY_TIMEOUT = Duration.ofSeconds(10);

    private void recordFailure(Progress p, boolean stop) {
        try (Connection c = dataSource.getConnection()) {
            OperatorTables.recordFailure(c, p.name(), p.attempts, p.lastError, stop);
        } catch (SQLException e) {
            LOG.warning(() -> "could not record the failure of CDC operator " + p.name() + ": " + ErrorMessages.of(e));
        }
    }

    private void becomes(State newState, String newReason) {
        State before = state;
        String reasonBefore = reason;
        state = newState;
        reason = newReason;
        if (before != newState || (newReason != null && !newReason.equals(reasonBefore))) {
            switch (newState) {
                case RUNNING -> LOG.info(() -> "CDC reads replication slot " + settings.slot() + " (publication "
                        + settings.publication() + ") for " + operators.size() + " operators");
                case STANDBY -> LOG.info(() -> "CDC on standby: " + newReason);
                case UNAVAILABLE -> LOG.warning(() -> "CDC cannot run: " + newReason);
            }
        }
    }

    private void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    private void pause(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        synchronized (signal) {
            long left;
            while (!stopping && !restart && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(signal, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopping = true;
                }
            }
        }
    }

    /** The changes of one source transaction, until its commit gives them their LSN. */
    private static final class Transaction {
        final PgOutput.Begin begin;
        final List<PgOutput.RowChange> changes = new ArrayList<>();

        Transaction(PgOutput.Begin begin) {
            this.begin = begin;
        }

        List<ChangeEvent> events(PgOutput.Commit commit) {
            List<ChangeEvent> events = new ArrayList<>(changes.size());
            for (PgOutput.RowChange c : changes) {
                Map<String, Object> newRow = c.newRow();
                if (!c.unchanged().isEmpty()) {
                    // a TOAST value the update did not touch is not in the WAL's new row: the old row has it
                    Map<String, Object> filled = new LinkedHashMap<>(newRow);
                    c.unchanged().forEach(column -> filled.put(column, c.oldRow().get(column)));
                    newRow = Collections.unmodifiableMap(filled);
                }
                events.add(new ChangeEvent(c.table(), c.operation(), newRow, c.oldRow(), changed(c, newRow),
                        commit.commitTime(), commit.endLsn(), events.size()));
            }
            return events;
        }

        private static Map<String, ChangeEvent.Change> changed(PgOutput.RowChange c, Map<String, Object> newRow) {
            if (c.operation() != Operation.UPDATE || c.oldRow().isEmpty()) {
                return Map.of();
            }
            Map<String, ChangeEvent.Change> changed = new LinkedHashMap<>();
            newRow.forEach((column, value) -> {
                Object old = c.oldRow().get(column);
                if (!java.util.Objects.equals(old, value)) {
                    changed.put(column, new ChangeEvent.Change(old, value));
                }
            });
            return Collections.unmodifiableMap(changed);
        }
    }
}

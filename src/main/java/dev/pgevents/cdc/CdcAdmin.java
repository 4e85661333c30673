package dev.pgevents.cdc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The operations on CDC: its status (the reader on this node if it runs here, else the database's
 * rows), and resuming a stopped operator (on whichever node reads the slot).
 */
public final class CdcAdmin {

    private final DataSource dataSource;
    private final CdcSettings settings;
    private final List<OperatorDefinition> operators;
    private final ChangeReader reader;
    private final String notRunning;

    /**
     * @param reader     this node's reader, null when it does not run here
     * @param notRunning why there is no reader (when {@code reader} is null)
     */
    public CdcAdmin(DataSource dataSource, CdcSettings settings, List<OperatorDefinition> operators, ChangeReader reader,
                    String notRunning) {
        this.dataSource = dataSource;
        this.settings = settings;
        this.operators = List.copyOf(operators);
        this.reader = reader;
        this.notRunning = notRunning;
    }

    public boolean knows(String operator) {
        return operators.stream().anyMatch(o -> o.name().equals(operator));
    }

    public String state() {
        return reader == null ? "unavailable" : reader.state().name().toLowerCase();
    }

    /** Why CDC does not run on this node; null while it does. */
    public String reason() {
        return reader == null ? notRunning : reader.reason();
    }

    public CdcStatus status() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Optional<OperatorTables.Slot> slot = OperatorTables.slot(c, settings.slot());
            CdcStatus.Slot shown = slot.map(s -> new CdcStatus.Slot(settings.slot(), s.confirmedLsn(), s.retainedWalBytes(), s.active(),
                            s.lagBytes()))
                    .orElse(new CdcStatus.Slot(settings.slot(), null, null, null, null));
            List<CdcStatus.OperatorStatus> shownOperators = new ArrayList<>();
            boolean local = reader != null && reader.state() == ChangeReader.State.RUNNING;
            for (OperatorDefinition o : operators) {
                Optional<OperatorTables.Row> row = OperatorTables.row(c, o.name());
                long reached = row.isPresent() ? OperatorTables.position(c, o.name(), settings.slot()) : 0;
                Optional<ChangeReader.OperatorProgress> progress = local
                        ? reader.progress().stream().filter(p -> p.name().equals(o.name())).findFirst() : Optional.empty();
                if (progress.isPresent()) {
                    ChangeReader.OperatorProgress p = progress.get();
                    shownOperators.add(new CdcStatus.OperatorStatus(o.name(), Math.max(reached, p.position()), p.status(),
                            p.lastError(), p.attempts()));
                } else {
                    shownOperators.add(new CdcStatus.OperatorStatus(o.name(), reached,
                            row.map(r -> r.status().toLowerCase()).orElse("running"),
                            row.map(OperatorTables.Row::lastError).orElse(null), row.map(OperatorTables.Row::attempts).orElse(0)));
                }
            }
            return new CdcStatus(state(), reason(), shown, shownOperators);
        }
    }

    /** Sets a stopped operator running again; it re-applies from its applied LSN, in order. False for an unknown operator. */
    public boolean resume(String operator) throws SQLException {
        if (!knows(operator)) {
            return false;
        }
        try (Connection c = dataSource.getConnection()) {
            OperatorTables.ensure(c, List.of(operator));
            OperatorTables.resume(c, operator);
        }
        if (reader != null) {
            reader.restart();
        }
        return true;
    }

    /** The operator's position (see {@link ChangePositions#reached}); -1 when it has none yet. */
    public long reached(String operator) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return OperatorTables.position(c, operator, settings.slot());
        }
    }
}

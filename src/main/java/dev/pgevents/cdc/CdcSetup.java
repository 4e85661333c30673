package dev.pgevents.cdc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What CDC needs from the database, checked and created idempotently: logical WAL, a role that
 * may replicate, the publication of the watched tables with REPLICA IDENTITY FULL on them, and the
 * durable slot (created after the publication: pgoutput reads the publication as of each change).
 */
final class CdcSetup {

    private CdcSetup() {
    }

    /** Why CDC cannot run on this database, in an operator's words; empty when it can. */
    static Optional<String> problem(Connection c, String slot) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SHOW wal_level")) {
                rs.next();
                if (!"logical".equals(rs.getString(1))) {
                    return Optional.of("wal_level is " + rs.getString(1) + ": change data capture needs wal_level=logical"
                            + " (a server setting, applied at restart)");
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user")) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    return Optional.of("the database user may not replicate: it needs the REPLICATION attribute");
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement(
                "SELECT wal_status, database, database = current_database() FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                if (!rs.getBoolean(3)) {
                    // slot names are unique in the whole server, not per database
                    return Optional.of("replication slot " + slot + " belongs to another database (" + rs.getString(2)
                            + "): name another one with pgevents.cdc.slot");
                }
                if ("lost".equals(rs.getString(1))) {
                    return Optional.of("replication slot " + slot + " lost WAL it needed (max_slot_wal_keep_size):"
                            + " drop it to start again from now");
                }
            }
        }
        return Optional.empty();
    }

    /** Creates or extends the publication, sets REPLICA IDENTITY FULL, creates the slot if missing. */
    static void prepare(Connection c, CdcSettings settings, Collection<String> tables) throws SQLException {
        Set<String> published = new HashSet<>();
        boolean exists;
        try (PreparedStatement s = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = ?)")) {
            s.setString(1, settings.publication());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                exists = rs.getBoolean(1);
            }
        }
        try (PreparedStatement s = c.prepareStatement(
                "SELECT CASE WHEN schemaname = 'public' THEN tablename ELSE schemaname || '.' || tablename END"
                        + " FROM pg_publication_tables WHERE pubname = ?")) {
            s.setString(1, settings.publication());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    published.add(rs.getString(1));
                }
            }
        }
        try (Statement s = c.createStatement()) {
            for (String table : tables) {
                if (!replicaIdentityFull(c, table)) {
                    s.execute("ALTER TABLE " + quoted(table) + " REPLICA IDENTITY FULL");
                }
            }
            String missing = String.join(", ", tables.stream().filter(t -> !published.contains(t)).map(CdcSetup::quoted).toList());
            if (!exists) {
                s.execute("CREATE PUBLICATION " + settings.publication() + " FOR TABLE " + missing
                        + " WITH (publish = 'insert, update, delete')");
            } else if (!missing.isEmpty()) {
                s.execute("ALTER PUBLICATION " + settings.publication() + " ADD TABLE " + missing);
            }
        }
        try (PreparedStatement s = c.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')"
                + " WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ?)")) {
            s.setString(1, settings.slot());
            s.setString(2, settings.slot());
            s.execute();
        }
    }

    private static boolean replicaIdentityFull(Connection c, String table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT relreplident = 'f' FROM pg_class WHERE oid = ?::regclass")) {
            s.setString(1, table);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static String quoted(String table) {
        int dot = table.indexOf('.');
        return dot < 0 ? '"' + table + '"' : '"' + table.substring(0, dot) + "\".\"" + table.substring(dot + 1) + '"';
    }
}

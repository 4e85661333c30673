package dev.pgevents.cdc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.PGProperty;

/** Opens the reader's dedicated replication connection (never pooled: the slot is bound to it). */
@FunctionalInterface
public interface ReplicationConnector {

    Connection open() throws SQLException;

    /** A logical replication connection ({@code replication=database}, simple query mode) to the database. */
    static ReplicationConnector of(String host, int port, String database, String user, String password) {
        return () -> {
            Properties props = new Properties();
            PGProperty.USER.set(props, user);
            if (password != null && !password.isEmpty()) {
                PGProperty.PASSWORD.set(props, password);
            }
            PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
            PGProperty.REPLICATION.set(props, "database");
            PGProperty.PREFER_QUERY_MODE.set(props, "simple");
            PGProperty.CONNECT_TIMEOUT.set(props, 5);
            PGProperty.APPLICATION_NAME.set(props, "pgevents-cdc");
            String url = "jdbc:postgresql://" + host + ":" + port + "/" + database;
            Connection c = new org.postgresql.Driver().connect(url, props);
            if (c == null) {
                throw new SQLException("the PostgreSQL driver does not accept " + url);
            }
            return c;
        };
    }
}

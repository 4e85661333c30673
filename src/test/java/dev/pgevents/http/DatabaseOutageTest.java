package dev.pgevents.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pgevents.testsupport.TestDatabase;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.TransactionalException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class DatabaseOutageTest {

    @Test
    void connectionFailuresAreRecognisedThroughAnyWrapper() {
        assertTrue(DatabaseOutage.isOutage(new RuntimeException(new IllegalStateException(new SQLException("refused", "08001")))));
        assertTrue(DatabaseOutage.isOutage(new RuntimeException(new SQLException("too many connections", "53300"))));
        assertTrue(DatabaseOutage.isOutage(new RuntimeException(new SQLException("terminated", "57P01"))));
        assertTrue(DatabaseOutage.isOutage(new RuntimeException(new SQLTransientConnectionException("pool timeout"))));
        assertFalse(DatabaseOutage.isOutage(new RuntimeException(new SQLException("syntax", "42601"))));
        assertFalse(DatabaseOutage.isOutage(new RuntimeException(new SQLException("canceled", "57014"))));
        assertFalse(DatabaseOutage.isOutage(new IllegalStateException("no database here")));
    }

    @Test
    void aDatabaseNotAcceptingConnectionsIsAnOutageButOther55000sAreNot() throws Exception {
        DataSource dataSource = TestDatabase.fresh("outage_refused");
        String database = System.getProperty("pgevents.test.database-prefix", "") + "outage_refused";
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SEQUENCE never_used");
            // 55000 in a session: "currval of sequence ... is not yet defined in this session"
            SQLException notYet = assertThrows(SQLException.class, () -> s.executeQuery("SELECT currval('never_used')"));
            assertEquals("55000", notYet.getSQLState());
            assertFalse(DatabaseOutage.isOutage(new RuntimeException(notYet)));
        }
        try (Connection admin = TestDatabase.server().connect("postgres"); Statement s = admin.createStatement()) {
            s.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
            try {
                // 55000 at login: "database ... is not currently accepting connections"
                SQLException refused = assertThrows(SQLException.class, dataSource::getConnection);
                assertEquals("55000", refused.getSQLState());
                assertTrue(DatabaseOutage.isOutage(new RuntimeException(new IllegalStateException(refused))));
            } finally {
                s.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
            }
        }
    }

    @Test
    void aCommitWhoseConnectionDiedIsA503SayingTheOutcomeIsUnknown() {
        // what Liberty's @Transactional gives when the one-phase commit's connection was terminated
        TransactionalException commit = new TransactionalException("commit failed", new HeuristicMixedException());
        assertTrue(DatabaseOutage.isOutage(commit));
        String detail = DatabaseOutage.detail(commit);
        assertTrue(detail.contains("outcome is unknown") && detail.contains("idempotent"), detail);
        assertFalse(DatabaseOutage.detail(new SQLException("refused", "08001")).contains("unknown"));
    }

    @Test
    void suppressedExceptionsAndNextExceptionsAreSearchedToo() {
        RuntimeException closing = new RuntimeException("work failed");
        closing.addSuppressed(new SQLException("terminated", "57P01"));
        assertTrue(DatabaseOutage.isOutage(closing));
        SQLException batch = new SQLException("batch failed", "XX000");
        batch.setNextException(new SQLException("terminated", "57P02"));
        assertTrue(DatabaseOutage.isOutage(batch));
        RuntimeException cyclic = new RuntimeException("a");
        RuntimeException other = new RuntimeException("b", cyclic);
        cyclic.addSuppressed(other);
        assertFalse(DatabaseOutage.isOutage(cyclic));
    }

    @Test
    void anOutageIsLoggedOnceThenSummarisedWithACount() {
        Logger logger = Logger.getAnonymousLogger();
        logger.setUseParentHandlers(false);
        List<String> lines = new ArrayList<>();
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        OutageLog log = new OutageLog(logger, "Database unavailable", 60_000);
        for (int i = 0; i < 1_000; i++) {
            log.failed("Connection refused");
        }
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("Connection refused"));
    }

    @Test
    void lineBreaksInLoggedClientValuesAreEscaped() {
        assertEquals("a\\nFORGED\\r\\u0000b", LogSafe.text("a\nFORGED\r\u0000b"));
        assertEquals("plain", LogSafe.text("plain"));
    }
}

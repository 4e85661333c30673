package dev.pgevents.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
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
        OutageLog log = new OutageLog(logger, 60_000);
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

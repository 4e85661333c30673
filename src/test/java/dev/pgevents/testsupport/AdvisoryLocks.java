package dev.pgevents.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/** Observes advisory lock waits of other sessions. */
public final class AdvisoryLocks {

    private AdvisoryLocks() {
    }

    /** Waits (with a deadline) until the backend waits on exactly one advisory lock. */
    public static void awaitWaiting(DataSource ds, int pid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            List<String> wait = Sql.queryStrings(ds,
                    "SELECT wait_event_type || '/' || wait_event FROM pg_stat_activity WHERE pid = ?", pid);
            long ungranted = Sql.queryLong(ds,
                    "SELECT count(*) FROM pg_locks WHERE pid = ? AND locktype = 'advisory' AND NOT granted", pid);
            if (wait.equals(List.of("Lock/advisory")) && ungranted == 1) {
                return;
            }
            Thread.sleep(10); // polling with a deadline, not ordering by sleeping
        }
        fail("backend " + pid + " never waited on an advisory lock");
    }

    public static int pid(Connection c) {
        return (int) Sql.queryLong(c, "SELECT pg_backend_pid()");
    }
}

package dev.pgevents.listener.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.testsupport.Sql;
import dev.pgevents.testsupport.TestDatabase;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The LISTEN connection: wakes on other nodes' notifications only, and comes back after a database restart. */
class NotificationLoopTest {

    static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(5); // polling a condition with a deadline
        }
    }

    @Test
    void wakesOnOtherNodesNotificationsAndReconnectsAfterTheConnectionDies() throws Exception {
        DataSource ds = TestDatabase.fresh("listener_notify_test");
        AtomicInteger wakes = new AtomicInteger();
        NotificationLoop loop = new NotificationLoop(ds, "pgevents_test", "me", wakes::incrementAndGet, Duration.ofMillis(200));
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> driver = pool.submit(() -> {
                while (running.get()) {
                    loop.run(Duration.ofSeconds(30), running::get);
                    if (running.get()) {
                        try {
                            Thread.sleep(loop.nextStartDelayMillis()); // the runtime's single-action timer
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            });
            await("the LISTEN", () -> Sql.queryLong(ds,
                    "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN pgevents_test%' AND datname = current_database()") == 1);
            Sql.exec(ds, "SELECT pg_notify('pgevents_test', 'me')");     // our own: ignored
            Sql.exec(ds, "SELECT pg_notify('pgevents_test', 'other')");  // another node's: wakes
            await("a wake-up", () -> wakes.get() >= 1);
            Sql.exec(ds, "SELECT pg_notify('pgevents_test', 'other')");
            await("a second wake-up", () -> wakes.get() >= 2);
            assertEquals(2, wakes.get(), "our own notification did not wake us");

            // the database drops the connection (as in a restart): the loop reconnects and wakes once
            // (events may have been appended meanwhile), then LISTENs again
            Sql.exec(ds, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE query LIKE 'LISTEN pgevents_test%' AND datname = current_database()");
            await("the wake-up after reconnecting", () -> wakes.get() >= 3);
            await("the new LISTEN", () -> Sql.queryLong(ds,
                    "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN pgevents_test%' AND datname = current_database()") == 1);
            Sql.exec(ds, "SELECT pg_notify('pgevents_test', 'other')");
            await("a wake-up on the new connection", () -> wakes.get() >= 4);
            running.set(false);
            loop.stop();
            driver.get(10, TimeUnit.SECONDS);
        } finally {
            running.set(false);
            pool.shutdownNow();
        }
    }
}

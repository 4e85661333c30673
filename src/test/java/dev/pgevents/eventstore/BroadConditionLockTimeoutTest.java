package dev.pgevents.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pgevents.eventstore.TestEvents.Deposited;
import dev.pgevents.eventstore.TestEvents.Opened;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.PooledDataSource;
import dev.pgevents.testsupport.Sql;
import dev.pgevents.testsupport.TestTransactions;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lock-queue convoys: every writer takes the "all" key (and its type's key) shared. An idle writer
 * (a transaction that appended and sits idle) plus a condition waiting for "all" (or a type key)
 * exclusively would queue every later writer behind that request until the idle writer ends. The
 * broad condition's lock step has a timeout: it fails with a transient error, leaves the queue,
 * and the later writers go through. Conditions on tags wait as long as needed.
 */
class BroadConditionLockTimeoutTest {

    static final Duration TIMEOUT = Duration.ofMillis(500);
    static final int LATER_WRITERS = 3;

    static DataSource plain;
    static PooledDataSource pool;
    static EventStore store;
    static ExecutorService threads;

    @BeforeAll
    static void setUp() {
        plain = EventStoreFixture.migrated("es_broad_lock_timeout_test");
        pool = new PooledDataSource(plain, LATER_WRITERS + 2); // warm connections: queueing takes milliseconds
        store = store(pool);
        threads = Executors.newFixedThreadPool(LATER_WRITERS + 2);
    }

    @AfterAll
    static void tearDown() {
        threads.shutdownNow();
        pool.close();
    }

    static EventStore store(DataSource ds) {
        return new JdbcEventStore(ds, TestEvents.registry(), new JsonbEventSerializer(), JdbcEventStore.DEFAULT_FETCH_SIZE,
                () -> false, TIMEOUT);
    }

    /** A transaction that appended and now sits idle, holding its writer keys shared. */
    static Connection idleWriter(Event event) throws Exception {
        Connection c = plain.getConnection();
        c.setAutoCommit(false);
        store(TestTransactions.singleConnection(c)).append(List.of(NewEvent.of(event)));
        return c;
    }

    @Test
    void anAllConditionWaitingBehindAnIdleWriterTimesOutAndLaterWritersGoThrough() throws Exception {
        broadConditionTimesOut(new Opened("idle-" + UUID.randomUUID()), EventQuery.all(),
                () -> new Opened("later-" + UUID.randomUUID()));
    }

    @Test
    void aTypeConditionWaitingBehindAnIdleWriterTimesOutAndLaterWritersOfTheTypeGoThrough() throws Exception {
        broadConditionTimesOut(new Deposited("idle-" + UUID.randomUUID(), 1), EventQuery.ofTypes("Deposited"),
                () -> new Deposited("later-" + UUID.randomUUID(), 1));
    }

    private void broadConditionTimesOut(Event idle, EventQuery condition, java.util.function.Supplier<Event> later)
            throws Exception {
        long before = store.safePosition();
        try (Connection idleWriter = idleWriter(idle)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<AppendedEvent>>> writers = new ArrayList<>();
            for (int i = 0; i < LATER_WRITERS; i++) {
                writers.add(threads.submit(() -> {
                    go.await(30, TimeUnit.SECONDS);
                    return store.append(List.of(NewEvent.of(later.get())));
                }));
            }
            long start = System.nanoTime();
            Future<List<AppendedEvent>> broad = threads.submit(() ->
                    store.append(List.of(NewEvent.of(later.get())), AppendCondition.failIfAnyAfter(condition, before)));
            awaitLockWaits(1, "the broad condition waits behind the idle writer");
            go.countDown();
            awaitLockWaits(1 + LATER_WRITERS, "the later writers queue behind the broad condition's request");

            ExecutionException failed = assertThrows(ExecutionException.class, () -> broad.get(10, TimeUnit.SECONDS));
            long waitedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            EventStoreAccessException e = assertInstanceOf(EventStoreAccessException.class, failed.getCause());
            assertTrue(e.isTransient());
            assertEquals(EventStoreAccessException.LOCK_NOT_AVAILABLE, e.sqlState());
            assertEquals("append failed: the condition's locks were not available within 500 ms: another transaction"
                    + " holds a lock on events the condition matches (a writer of such an event, or another condition"
                    + " on them, has not ended: an idle or in-doubt transaction?); retry [SQLSTATE 55P03]", e.getMessage());
            assertTrue(waitedMillis >= TIMEOUT.toMillis() && waitedMillis < TIMEOUT.toMillis() + 5_000,
                    "failed after about the timeout: " + waitedMillis + " ms");

            for (Future<List<AppendedEvent>> w : writers) {
                assertEquals(1, w.get(10, TimeUnit.SECONDS).size(), "a later writer completed while the idle writer is open");
            }
            assertEquals(0, lockWaits());
            idleWriter.commit();
        }
    }

    @Test
    void aLockedReadOfAllWaitingBehindAnIdleWriterTimesOut() throws Exception {
        try (Connection idleWriter = idleWriter(new Opened("idle-" + UUID.randomUUID()))) {
            Future<?> read = threads.submit(() -> {
                try (EventStream<RecordedEvent> events = store.read(EventQuery.all(), ReadOptions.defaults().locked())) {
                    return events.toList();
                }
            });
            ExecutionException failed = assertThrows(ExecutionException.class, () -> read.get(10, TimeUnit.SECONDS));
            EventStoreAccessException e = assertInstanceOf(EventStoreAccessException.class, failed.getCause());
            assertTrue(e.isTransient());
            assertTrue(e.getMessage().startsWith("read failed: the condition's locks were not available within 500 ms"),
                    e.getMessage());
            idleWriter.commit();
        }
    }

    @Test
    void aTagConditionWaitsBeyondTheTimeoutUntilTheIdleWriterEnds() throws Exception {
        String account = "tagged-" + UUID.randomUUID();
        try (Connection idleWriter = idleWriter(new Opened(account))) {
            long idlePosition = Sql.queryLong(idleWriter, "SELECT max(position) FROM es_event");
            Future<List<AppendedEvent>> tagged = threads.submit(() -> store.append(List.of(NewEvent.of(new Deposited(account, 5))),
                    AppendCondition.failIfAnyAfter(EventQuery.tagged("account:" + account), idlePosition)));
            awaitLockWaits(1, "the tag condition waits behind the idle writer");
            long deadline = System.nanoTime() + TIMEOUT.multipliedBy(3).toNanos();
            while (System.nanoTime() < deadline) { // still waiting well past the broad conditions' timeout
                assertFalse(tagged.isDone(), "the tag condition stopped waiting");
                Thread.sleep(20); // polling with a deadline, not ordering by sleeping
            }
            assertEquals(1, lockWaits(), "still queued");
            idleWriter.commit();
            assertEquals(1, tagged.get(10, TimeUnit.SECONDS).size());
        }
    }

    @Test
    void theTimeoutCoversOnlyTheLockStepTheTransactionKeepsItsOwn() throws Exception {
        TestTransactions tx = new TestTransactions(plain);
        EventStore inTx = store(tx.dataSource());
        String after = tx.inNewTransaction(() -> {
            try (Connection c = tx.dataSource().getConnection()) {
                Sql.exec(c, "SET LOCAL lock_timeout = '7s'");
                inTx.append(List.of(NewEvent.of(new Opened("own-" + UUID.randomUUID()))),
                        AppendCondition.failIfAnyAfter(EventQuery.ofTypes("Opened"), inTx.safePosition()));
                return Sql.queryStrings(c, "SHOW lock_timeout").get(0);
            }
        });
        assertEquals("7s", after);
    }

    @Test
    void aNegativeTimeoutIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new JdbcEventStore(plain,
                TestEvents.registry(), new JsonbEventSerializer(), 1, () -> false, Duration.ofMillis(-1)));
        assertTrue(e.getMessage().contains("zero or positive"), e.getMessage());
    }

    /** Backends of this database waiting for an advisory lock. */
    static long lockWaits() {
        return Sql.queryLong(plain, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
    }

    static void awaitLockWaits(long expected, String what) throws InterruptedException {
        BooleanSupplier reached = () -> lockWaits() == expected;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!reached.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + ": expected " + expected + " lock waits, saw " + lockWaits());
            }
            Thread.sleep(5); // polling with a deadline, not ordering by sleeping
        }
    }
}

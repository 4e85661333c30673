package dev.pgevents.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.pgevents.eventstore.TestEvents.Race;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.PooledDataSource;
import dev.pgevents.testsupport.Sql;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** 16 threads racing conditional appends. */
class ConcurrencyTest {

    static final int THREADS = 16;
    static DataSource plain;
    static PooledDataSource pool;
    static EventStore store;
    static ExecutorService threads;
    static final ConcurrentLinkedQueue<Long> appendedPositions = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void setUp() {
        plain = EventStoreFixture.migrated("es_concurrency_test");
        pool = new PooledDataSource(plain, THREADS);
        store = new JdbcEventStore(pool, TestEvents.registry(), new JsonbEventSerializer());
        threads = Executors.newFixedThreadPool(THREADS);
    }

    @AfterAll
    static void tearDown() {
        threads.shutdownNow();
        pool.close();
    }

    /** Unequal, overlapping queries: every event of the round matches every thread's query. */
    static EventQuery queryOf(int thread, int round) {
        return switch (thread % 3) {
            case 0 -> EventQuery.tagged("race:" + round);
            case 1 -> EventQuery.ofTypes("Race");
            default -> EventQuery.of(QueryItem.types("Race").tagged("race:" + round), QueryItem.tags("thread:" + thread));
        };
    }

    @Test
    void overlappingQueriesHaveExactlyOneWinnerPerRace() throws Exception {
        int rounds = 25;
        for (int round = 0; round < rounds; round++) {
            int r = round;
            CyclicBarrier barrier = new CyclicBarrier(THREADS);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(threads.submit(() -> {
                    EventQuery q = queryOf(thread, r);
                    long seen = store.read(q, ReadOptions.defaults(), e -> { }).consistencyPosition().getAsLong();
                    barrier.await(20, TimeUnit.SECONDS);
                    try {
                        List<AppendedEvent> out = store.append(List.of(NewEvent.of(new Race("" + r, thread))),
                                AppendCondition.failIfAnyAfter(q, seen));
                        appendedPositions.add(out.get(0).position());
                        return true;
                    } catch (AppendConditionFailed conflict) {
                        return false;
                    }
                }));
            }
            int winners = 0;
            for (Future<Boolean> f : results) {
                winners += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, winners, "round " + r);
            assertEquals(1, Sql.queryLong(plain, "SELECT count(*) FROM es_event WHERE tags @> ARRAY[?]::text[]", "race:" + r));
        }
        assertNoEventLost();
    }

    @Test
    void disjointQueriesAllSucceed() throws Exception {
        int appendsPerThread = 20;
        CyclicBarrier barrier = new CyclicBarrier(THREADS);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            results.add(threads.submit(() -> {
                barrier.await(20, TimeUnit.SECONDS);
                int ok = 0;
                for (int i = 0; i < appendsPerThread; i++) {
                    EventQuery q = EventQuery.tagged("race:disjoint-" + thread);
                    long seen = store.read(q, ReadOptions.defaults(), e -> { }).consistencyPosition().getAsLong();
                    List<AppendedEvent> out = store.append(List.of(NewEvent.of(new Race("disjoint-" + thread, thread))),
                            AppendCondition.failIfAnyAfter(q, seen));
                    appendedPositions.add(out.get(0).position());
                    ok++;
                }
                return ok;
            }));
        }
        int total = 0;
        for (Future<Integer> f : results) {
            total += f.get(60, TimeUnit.SECONDS);
        }
        assertEquals(THREADS * appendsPerThread, total);
        for (int t = 0; t < THREADS; t++) {
            assertEquals(appendsPerThread, Sql.queryLong(plain,
                    "SELECT count(*) FROM es_event WHERE tags @> ARRAY[?]::text[]", "race:disjoint-" + t));
        }
        assertNoEventLost();
    }

    @Test
    void staleDeciderConflictsEvenUnderLoad() throws Exception {
        // one reader decides on a stale position while 16 writers append matching events
        EventQuery q = EventQuery.tagged("race:stale");
        long seen = store.read(q, ReadOptions.defaults(), e -> { }).consistencyPosition().getAsLong();
        List<Future<?>> writers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            writers.add(threads.submit(() -> appendedPositions.add(
                    store.append(List.of(NewEvent.of(new Race("stale", thread)))).get(0).position())));
        }
        for (Future<?> f : writers) {
            f.get(60, TimeUnit.SECONDS);
        }
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> store.append(List.of(NewEvent.of(new Race("stale", 99))), AppendCondition.failIfAnyAfter(q, seen)));
        assertInstanceOf(AppendConditionFailed.class, e);
        assertNoEventLost();
    }

    /** Every position handed out to a successful append is in the table exactly once, and nothing else is. */
    private static void assertNoEventLost() {
        Set<Long> handedOut = new HashSet<>(appendedPositions);
        assertEquals(appendedPositions.size(), handedOut.size(), "positions are unique");
        List<String> stored = Sql.queryStrings(plain, "SELECT position FROM es_event ORDER BY position");
        Set<Long> inTable = new HashSet<>();
        stored.forEach(p -> inTable.add(Long.parseLong(p)));
        assertEquals(handedOut, inTable);
    }
}

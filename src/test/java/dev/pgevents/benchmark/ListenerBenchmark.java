package dev.pgevents.benchmark;

import static dev.pgevents.listener.ListenerPasses.runUntilCaughtUp;
import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.JsonbEventSerializer;
import dev.pgevents.eventstore.NewEvent;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.eventstore.Tag;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.listener.EventListener;
import dev.pgevents.listener.ListenerEngine;
import dev.pgevents.listener.ListenerObserver;
import dev.pgevents.listener.ListenerSettings;
import dev.pgevents.testsupport.EventStoreFixture;
import dev.pgevents.testsupport.PooledDataSource;
import dev.pgevents.testsupport.Sql;
import dev.pgevents.testsupport.TestTransactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The listener engine outside Liberty (JDBC read model, the JTA stand-in of the tests): catch-up
 * rate over N pre-appended events (default 100,000) and the latency from an append's commit to
 * the read model's commit when every commit wakes the listener (as the after-commit CDI event does
 * in the application; no poll). Complements {@code ListenerBenchmarkIT}, which measures the JPA
 * read model inside Liberty. Prints the figures.
 *
 * <pre>
 * mvn -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.pgevents.benchmark.ListenerBenchmark [-Dexec.args=100000]
 * </pre>
 */
public final class ListenerBenchmark {

    /** The benchmark's event. */
    public record Counted(@Tag("counter") String counter, long amount) implements Event {
    }

    private ListenerBenchmark() {
    }

    /** A total per counter, upserted with the stale check in SQL, one JDBC batch per listener batch. */
    static final class Totals implements EventListener {
        private final DataSource tx;
        private final List<RecordedEvent> pending = new ArrayList<>();

        Totals(DataSource tx) {
            this.tx = tx;
        }

        @Override
        public String id() {
            return "bench-totals";
        }

        @Override
        public EventQuery query() {
            return EventQuery.of(QueryItem.types(Counted.class));
        }

        @Override
        public void beforeBatch(List<RecordedEvent> events) {
            pending.clear();
        }

        @Override
        public void handle(RecordedEvent event) {
            pending.add(event);
        }

        @Override
        public void endBatch() throws Exception {
            try (Connection c = tx.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO bench_total AS t (counter_id, total, events, last_event_position) VALUES (?, ?, 1, ?)"
                            + " ON CONFLICT (counter_id) DO UPDATE SET total = t.total + excluded.total,"
                            + " events = t.events + 1, last_event_position = excluded.last_event_position"
                            + " WHERE t.last_event_position < excluded.last_event_position")) {
                for (RecordedEvent e : pending) {
                    Counted c0 = (Counted) e.event();
                    ps.setString(1, c0.counter());
                    ps.setLong(2, c0.amount());
                    ps.setLong(3, e.position());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            pending.clear();
        }
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int perAppend = 100;
        int counters = 1_000;
        int samples = 500;
        DataSource raw = EventStoreFixture.migrated("listener_benchmark");
        Sql.exec(raw, "CREATE TABLE bench_total (counter_id text PRIMARY KEY, total bigint NOT NULL,"
                + " events integer NOT NULL, last_event_position bigint NOT NULL)");
        try (PooledDataSource pool = new PooledDataSource(raw, 8)) {
            TestTransactions tx = new TestTransactions(pool);
            JdbcEventStore store = new JdbcEventStore(tx.dataSource(), EventTypeRegistry.of(Counted.class),
                    new JsonbEventSerializer());
            Map<Long, Long> committedAt = new ConcurrentHashMap<>();
            ListenerEngine engine = new ListenerEngine("bench", tx, tx.dataSource(), store, store.codec()::decode,
                    id -> ListenerSettings.defaults(), new ListenerObserver() {
                        @Override
                        public void committed(String id, int n, long nanos, long position) {
                            committedAt.put(position, System.nanoTime());
                        }
                    });
            engine.register(new Totals(tx.dataSource()));

            long t0 = System.nanoTime();
            for (int a = 0; a < events / perAppend; a++) {
                List<NewEvent> batch = new ArrayList<>(perAppend);
                for (int i = 0; i < perAppend; i++) {
                    batch.add(NewEvent.of(new Counted("c-" + ((a * perAppend + i) % counters), 1)));
                }
                store.append(batch);
            }
            double load = (System.nanoTime() - t0) / 1e9;
            long start = System.nanoTime();
            int handled = runUntilCaughtUp(engine, "bench-totals");
            double seconds = (System.nanoTime() - start) / 1e9;
            long applied = Sql.queryLong(raw, "SELECT sum(events) FROM bench_total");
            if (handled != events || applied != events) {
                throw new IllegalStateException("handled " + handled + ", applied " + applied + " of " + events);
            }
            System.out.printf("catch-up: %,d events in %.2f s = %,.0f events/s (JDBC read model, %,d counters, batch 500);"
                    + " loading %.1f s (%,.0f events/s)%n", events, seconds, events / seconds, counters, load, events / load);

            // latency: each commit wakes the listener on another thread (the after-commit event's role)
            ExecutorService waker = Executors.newSingleThreadExecutor();
            AtomicLong failures = new AtomicLong();
            long[] micros = new long[samples];
            try {
                for (int i = 0; i < samples; i++) {
                    long position = store.append(List.of(NewEvent.of(new Counted("latency", 1)))).get(0).position();
                    long committed = System.nanoTime(); // the append's local transaction has committed
                    waker.submit(() -> {
                        try {
                            engine.runPass("bench-totals");
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                        }
                    });
                    long deadline = committed + Duration.ofSeconds(10).toNanos();
                    Long done;
                    while ((done = committedAt.get(position)) == null) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("event " + position + " not handled within 10 s");
                        }
                        Thread.onSpinWait();
                    }
                    micros[i] = Math.max(0, done - committed) / 1000;
                }
            } finally {
                waker.shutdownNow();
            }
            Arrays.sort(micros);
            System.out.printf("latency append commit -> read model commit (engine only, wake-up per commit), %d samples:"
                    + " p50 %.2f ms, p99 %.2f ms, max %.2f ms%s%n", samples, micros[samples / 2] / 1000.0,
                    micros[(int) Math.ceil(samples * 0.99) - 1] / 1000.0, micros[samples - 1] / 1000.0,
                    failures.get() == 0 ? "" : " (" + failures.get() + " failed passes)");
        }
    }
}

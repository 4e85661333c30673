package dev.pgevents.benchmark;

import dev.pgevents.decision.Decision;
import dev.pgevents.decision.DecisionMaker;
import dev.pgevents.decision.RetryPolicy;
import dev.pgevents.decision.State;
import dev.pgevents.decision.States;
import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.JsonbEventSerializer;
import dev.pgevents.eventstore.NewEvent;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.eventstore.Tag;
import dev.pgevents.eventstore.jdbc.GroupCommitStatistics;
import dev.pgevents.eventstore.jdbc.JdbcEventStore;
import dev.pgevents.testsupport.PooledDataSource;
import dev.pgevents.testsupport.TestDatabase;
import dev.pgevents.testsupport.TestTransactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Throughput of the event store on one fresh database (pgevents_bench), one event per transaction:
 * <ol>
 *   <li>raw: a prepared single-row INSERT in autocommit (one round trip) into bench_raw, es_event's
 *       twin (LIKE es_event INCLUDING ALL), of the row a decision appends: the ceiling;</li>
 *   <li>rawtx: the same INSERT, then COMMIT, in a transaction (two round trips);</li>
 *   <li>floor: what a decision must do at least, in plain JDBC without locks or decoding: in a
 *       transaction, read the entity's events by tag, INSERT, COMMIT (three round trips);</li>
 *   <li>append: unconditional append of one event;</li>
 *   <li>decision: DecisionMaker on a distinct entity per decision, state folded from 10 events,
 *       conditional append;</li>
 *   <li>shared: the same decisions with group commit (the store's shared commits, the maker's
 *       optimistic first run), followed by the batch sizes seen;</li>
 *   <li>sharedappend: the unconditional append with group commit;</li>
 *   <li>cached: the decision with the maker's state cache, on entities of its own (as many, 10
 *       events each) in turn, so each is decided again while its state is cached (one decision on
 *       each fills the cache before the first run); followed by the cache's hits, misses and
 *       stale states;</li>
 *   <li>sharedcached: the same with group commit;</li>
 *   <li>hot: the cached decision on a long-lived entity, one per thread, each with bench.history
 *       events (default 5,000) preloaded, interleaved: what a condition's check costs as a tag's
 *       history grows;</li>
 *   <li>contended: the same decisions, four threads on each of four long-lived entities: stale
 *       cached states, each retry reading the events after its cached position.</li>
 * </ol>
 * each with 1 and 4 threads (bench.threads). Prints events/s, p50/p99 latency, the ratio to raw at the same
 * thread count, and the CPU per operation of the worker threads (client) and of the PostgreSQL
 * processes on this machine (server, from /proc). Run: {@code mvn -B -q test-compile exec:java
 * -Dexec.mainClass=dev.pgevents.benchmark.EventStoreBenchmark -Dexec.classpathScope=test}.
 * Optional system properties: bench.seconds (per run, default 6), bench.warmup (seconds before each
 * run, default 3), bench.firstwarmup (seconds before a scenario's first run, default 15),
 * bench.entities (default 20000), bench.history (default 5000), bench.threads (default "1,4"), bench.scenarios (default all of
 * the above; the ratio column needs raw).
 */
public final class EventStoreBenchmark {

    public record Increased(@Tag("counter") String id, long by) implements Event {
    }

    record Counter(String id, long value) implements State<Counter> {
        @Override
        public EventQuery query() {
            return EventQuery.tagged("counter:" + id);
        }

        @Override
        public Counter evolve(RecordedEvent e) {
            return e.event() instanceof Increased i ? new Counter(id, value + i.by()) : this;
        }
    }

    record Increase(String id) implements Decision {
        @Override
        public List<State<?>> initialStates() {
            return List.of(new Counter(id, 0));
        }

        @Override
        public List<? extends Event> process(States states) {
            return List.of(new Increased(id, states.get(Counter.class).value() + 1));
        }
    }

    interface Op {
        void run(int thread) throws Exception;
    }

    /** @param clientCpuMicros CPU time of the benchmark's worker threads per operation (driver, framework, JSON) */
    record Figures(String name, int threads, long ops, double seconds, double p50ms, double p99ms, double clientCpuMicros,
                   double serverCpuMicros) {
        double perSecond() {
            return ops / seconds;
        }
    }

    static final String CEILING = "raw INSERT+COMMIT";

    /** Long-lived entities of the hot scenario: one per thread, up to this many threads. */
    static final int HOT_ENTITIES = 16;

    private EventStoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.LogManager.getLogManager().reset(); // keep the output to the figures
        double seconds = Double.parseDouble(System.getProperty("bench.seconds", "6"));
        int entities = Integer.getInteger("bench.entities", 20_000);
        int history = Integer.getInteger("bench.history", 5_000);
        DataSource plain = TestDatabase.fresh("pgevents_bench");
        Flyway.configure().dataSource(plain).locations("classpath:db/migration").load().migrate();
        try (Connection c = plain.getConnection(); Statement s = c.createStatement()) {
            // the ceiling's table is es_event's twin: columns, defaults, indexes and index options
            s.execute("CREATE TABLE bench_raw (LIKE es_event INCLUDING ALL)");
            // entities with 10 events each: the decisions' states (and >= 200k rows for the plans)
            s.execute("INSERT INTO es_event (event_id, type, tags, payload)"
                    + " SELECT gen_random_uuid(), 'Increased', ARRAY['counter:e' || e],"
                    + " jsonb_build_object('id', 'e' || e, 'by', 1)"
                    + " FROM generate_series(1, " + entities + ") e, generate_series(1, 10) n"
                    + " WHERE (SELECT es_lock_keys('{}', '{}', '{}', true)::text) = '' ORDER BY e, n"); // the append protocol
            for (String prefix : List.of("c", "s")) { // the cached scenarios' own entities, one set each
                s.execute("INSERT INTO es_event (event_id, type, tags, payload)"
                        + " SELECT gen_random_uuid(), 'Increased', ARRAY['counter:" + prefix + "' || e],"
                        + " jsonb_build_object('id', '" + prefix + "' || e, 'by', 1)"
                        + " FROM generate_series(1, " + entities + ") e, generate_series(1, 10) n"
                        + " WHERE (SELECT es_lock_keys('{}', '{}', '{}', true)::text) = '' ORDER BY e, n");
            }
            // the hot entities: one per thread, their events interleaved as long-lived entities' are
            s.execute("INSERT INTO es_event (event_id, type, tags, payload)"
                    + " SELECT gen_random_uuid(), 'Increased', ARRAY['counter:h' || e], jsonb_build_object('id', 'h' || e, 'by', 1)"
                    + " FROM generate_series(0, " + (HOT_ENTITIES - 1) + ") e, generate_series(1, " + history + ") n"
                    + " WHERE (SELECT es_lock_keys('{}', '{}', '{}', true)::text) = '' ORDER BY n, e");
            s.execute("VACUUM ANALYZE es_event");
        }
        System.out.printf(Locale.ROOT, "pgevents event store benchmark: %d entities x 10 events preloaded, %.0f s per run,"
                + " %d cores%n", entities, seconds, Runtime.getRuntime().availableProcessors());

        // a connection per thread, and one for a group commit's leader
        int connections = Arrays.stream(threadCounts()).max().orElse(4) + 2;
        try (PooledDataSource pool = new PooledDataSource(plain, connections)) {
            EventTypeRegistry registry = EventTypeRegistry.of(Increased.class);
            JdbcEventStore store = new JdbcEventStore(pool, registry, new JsonbEventSerializer());
            TestTransactions tx = new TestTransactions(pool);
            RetryPolicy retries = new RetryPolicy(10, Duration.ofMillis(1), Duration.ofMillis(50));
            DecisionMaker maker = new DecisionMaker(new JdbcEventStore(tx.dataSource(), registry, new JsonbEventSerializer()),
                    tx, retries);
            JdbcEventStore sharedStore = new JdbcEventStore(tx.dataSource(), registry, new JsonbEventSerializer(),
                    JdbcEventStore.DEFAULT_FETCH_SIZE, tx::active).withGroupCommit(100);
            DecisionMaker sharingMaker = new DecisionMaker(sharedStore, tx, retries).sharingCommits((type, tags) -> false);
            DecisionMaker cachingMaker = maker.cachingStates(entities);
            DecisionMaker sharingCachingMaker = sharingMaker.cachingStates(entities);
            DecisionMaker hotMaker = maker.cachingStates(HOT_ENTITIES);
            AtomicInteger nextRaw = new AtomicInteger();
            Op raw = t -> {
                try (Connection c = pool.getConnection()) {
                    insertRaw(c, 1 + nextRaw.getAndIncrement() % entities);
                }
            };
            Op rawInTransaction = t -> {
                try (Connection c = pool.getConnection()) {
                    c.setAutoCommit(false);
                    insertRaw(c, 1 + nextRaw.getAndIncrement() % entities);
                    c.commit();
                    c.setAutoCommit(true);
                }
            };
            Op floor = t -> {
                int entity = 1 + nextRaw.getAndIncrement() % entities;
                try (Connection c = pool.getConnection()) {
                    c.setAutoCommit(false);
                    try (PreparedStatement ps = c.prepareStatement("SELECT position, event_id, type, tags, payload, metadata,"
                            + " recorded_at FROM es_event WHERE tags @> (SELECT ?::text[]) ORDER BY position")) {
                        ps.setString(1, "{counter:e" + entity + "}");
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                rs.getString(5);
                            }
                        }
                    }
                    insertRaw(c, entity);
                    c.commit();
                    c.setAutoCommit(true);
                }
            };
            Op append = t -> store.append(List.of(NewEvent.of(new Increased("a" + t, 1))));
            AtomicInteger nextEntity = new AtomicInteger();
            Op decision = t -> maker.make(new Increase("e" + (1 + nextEntity.getAndIncrement() % entities)));
            Op shared = t -> sharingMaker.make(new Increase("e" + (1 + nextEntity.getAndIncrement() % entities)));
            Op sharedAppend = t -> sharedStore.append(List.of(NewEvent.of(new Increased("a" + t, 1))));
            AtomicInteger nextCached = new AtomicInteger();
            Op cached = t -> cachingMaker.make(new Increase("c" + (1 + nextCached.getAndIncrement() % entities)));
            Op sharedCached = t -> sharingCachingMaker.make(new Increase("s" + (1 + nextCached.getAndIncrement() % entities)));
            Op hot = t -> hotMaker.make(new Increase("h" + t));
            Op contended = t -> hotMaker.make(new Increase("h" + t % 4));

            List<String> scenarios = List.of(System.getProperty("bench.scenarios",
                    "raw,rawtx,floor,append,decision,shared,sharedappend,cached,sharedcached,hot,contended").split(","));
            for (DecisionMaker m : List.of(cachingMaker, sharingCachingMaker)) {
                if (scenarios.contains(m == cachingMaker ? "cached" : "sharedcached")) {
                    for (int e = 1; e <= entities; e++) { // fills the cache: the runs measure decisions on cached states
                        m.make(new Increase((m == cachingMaker ? "c" : "s") + e));
                    }
                }
            }
            if (scenarios.contains("hot") || scenarios.contains("contended")) {
                for (int e = 0; e < HOT_ENTITIES; e++) {
                    hotMaker.make(new Increase("h" + e));
                }
            }
            List<Figures> all = new ArrayList<>();
            for (int threads : threadCounts()) {
                if (scenarios.contains("raw")) {
                    all.add(run(plain, CEILING, raw, threads, seconds));
                }
                if (scenarios.contains("rawtx")) {
                    all.add(run(plain, "raw INSERT, COMMIT (tx)", rawInTransaction, threads, seconds));
                }
                if (scenarios.contains("floor")) {
                    all.add(run(plain, "read, INSERT, COMMIT (tx)", floor, threads, seconds));
                }
                if (scenarios.contains("append")) {
                    all.add(run(plain, "append (unconditional)", append, threads, seconds));
                }
                if (scenarios.contains("decision")) {
                    all.add(run(plain, "decision (10-event state)", decision, threads, seconds));
                }
                if (scenarios.contains("shared")) {
                    all.add(withBatchSizes(sharedStore, () -> run(plain, "decision, group commit", shared, threads, seconds)));
                }
                if (scenarios.contains("sharedappend")) {
                    all.add(withBatchSizes(sharedStore, () -> run(plain, "append, group commit", sharedAppend, threads, seconds)));
                }
                if (scenarios.contains("cached")) {
                    all.add(withCacheFigures(cachingMaker, () -> run(plain, "decision, state cache", cached, threads, seconds)));
                }
                if (scenarios.contains("sharedcached")) {
                    all.add(withCacheFigures(sharingCachingMaker, () -> withBatchSizes(sharedStore,
                            () -> run(plain, "decision, cache, group commit", sharedCached, threads, seconds))));
                }
                if (scenarios.contains("hot")) {
                    all.add(withCacheFigures(hotMaker, () -> run(plain, "cached, " + history + "-event entity", hot, threads,
                            seconds)));
                }
                if (scenarios.contains("contended")) {
                    all.add(withCacheFigures(hotMaker, () -> run(plain, "contended, " + history + "-event entities", contended,
                            threads, seconds)));
                }
            }
            batchSizes.forEach(System.out::println);
            cacheFigures.forEach(System.out::println);
            System.out.println();
            System.out.printf(Locale.ROOT, "%-28s %7s %10s %9s %9s %9s %12s %12s%n", "scenario", "threads", "events/s", "p50 ms", "p99 ms",
                    "vs raw", "client us/op", "server us/op");
            for (Figures f : all) {
                double ceiling = all.stream().filter(x -> x.threads() == f.threads() && x.name().equals(CEILING))
                        .mapToDouble(Figures::perSecond).findFirst().orElse(Double.NaN);
                System.out.printf(Locale.ROOT, "%-28s %7d %10.0f %9.2f %9.2f %8.0f%% %12.0f %12.0f%n", f.name(), f.threads(),
                        f.perSecond(), f.p50ms(), f.p99ms(), 100 * f.perSecond() / ceiling, f.clientCpuMicros(), f.serverCpuMicros());
            }
        }
    }

    private static final List<String> batchSizes = new ArrayList<>();
    private static final List<String> cacheFigures = new ArrayList<>();

    /** Runs the scenario and records what the maker's state cache did in the whole run (warm-up included). */
    private static Figures withCacheFigures(DecisionMaker maker, java.util.concurrent.Callable<Figures> scenario) throws Exception {
        DecisionMaker.CacheStatistics before = maker.cacheStatistics();
        Figures f = scenario.call();
        DecisionMaker.CacheStatistics after = maker.cacheStatistics();
        cacheFigures.add(String.format(Locale.ROOT, "state cache of %-24s %2d threads: %d hits, %d misses, %d stale",
                f.name(), f.threads(), after.hits() - before.hits(), after.misses() - before.misses(),
                after.stale() - before.stale()));
        return f;
    }

    /** Runs the scenario and records the group commit batches of the whole run (warm-up included). */
    private static Figures withBatchSizes(JdbcEventStore store, java.util.concurrent.Callable<Figures> scenario) throws Exception {
        GroupCommitStatistics before = store.groupCommitStatistics().orElseThrow();
        Figures f = scenario.call();
        GroupCommitStatistics run = store.groupCommitStatistics().orElseThrow().since(before);
        long[] sizes = run.batchesOfSize();
        StringBuilder histogram = new StringBuilder();
        for (int size = 1; size < sizes.length; size++) {
            if (sizes[size] > 0) {
                histogram.append(' ').append(size).append(size == sizes.length - 1 ? "+" : "").append(':').append(sizes[size]);
            }
        }
        batchSizes.add(String.format(Locale.ROOT, "batches of %-24s %2d threads: %d appends in %d batches, mean %.2f,"
                + " %d failed (their appends ran alone); batches by size:%s", f.name(), f.threads(), run.appends(), run.batches(),
                run.meanBatchSize(), run.fallbacks(), histogram));
        return f;
    }

    /** The row a decision on entity n appends, inserted with one prepared statement. */
    private static void insertRaw(Connection c, int entity) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO bench_raw (event_id, type, tags, payload) VALUES (?, ?, ?::text[], ?::jsonb)")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, "Increased");
            ps.setString(3, "{counter:e" + entity + "}");
            ps.setString(4, "{\"id\":\"e" + entity + "\",\"by\":11}");
            ps.executeUpdate();
        }
    }

    private static int[] threadCounts() {
        return Arrays.stream(System.getProperty("bench.threads", "1,4").split(",")).map(String::trim)
                .mapToInt(Integer::parseInt).toArray();
    }

    /** Scenarios that ran once: their code is compiled. */
    private static final java.util.Set<String> warmedUp = new java.util.HashSet<>();

    static Figures run(DataSource database, String name, Op op, int threads, double seconds) throws Exception {
        quiesce(database);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // warm-up: prepared statements, JIT (C2 competes with the work for the two cores). A
            // scenario's first run warms up longer: after 3 s C2 still compiled its code during the
            // measured seconds (cached decisions with group commit at 16 threads: 71% of raw after a
            // 3-s warm-up, 81% after 20 s).
            String warmup = warmedUp.add(name) ? System.getProperty("bench.firstwarmup", "15")
                    : System.getProperty("bench.warmup", "3");
            long warmEnd = System.nanoTime() + (long) (Double.parseDouble(warmup) * 1e9);
            List<Future<?>> warm = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                warm.add(pool.submit(() -> {
                    while (System.nanoTime() < warmEnd) {
                        op.run(thread);
                    }
                    return null;
                }));
            }
            for (Future<?> f : warm) {
                f.get();
            }
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<long[]>> results = new ArrayList<>();
            java.util.concurrent.atomic.AtomicLong cpuNanos = new java.util.concurrent.atomic.AtomicLong();
            java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
            long durationNanos = (long) (seconds * 1e9);
            long serverTicksStart = postgresCpuTicks();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    long[] latencies = new long[1 << 16];
                    int n = 0;
                    start.await(10, TimeUnit.SECONDS);
                    long cpuStart = cpu.getCurrentThreadCpuTime();
                    long end = System.nanoTime() + durationNanos;
                    long now;
                    while ((now = System.nanoTime()) < end) {
                        op.run(thread);
                        if (n == latencies.length) {
                            latencies = Arrays.copyOf(latencies, n * 2);
                        }
                        latencies[n++] = System.nanoTime() - now;
                    }
                    cpuNanos.addAndGet(cpu.getCurrentThreadCpuTime() - cpuStart);
                    return Arrays.copyOf(latencies, n);
                }));
            }
            List<long[]> perThread = new ArrayList<>();
            for (Future<long[]> f : results) {
                perThread.add(f.get());
            }
            long serverTicksEnd = postgresCpuTicks();
            long[] merged = perThread.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            Figures f = new Figures(name, threads, merged.length, seconds,
                    merged[(int) (merged.length * 0.50)] / 1e6, merged[Math.min(merged.length - 1, (int) (merged.length * 0.99))] / 1e6,
                    cpuNanos.get() / 1e3 / merged.length,
                    serverTicksStart < 0 || serverTicksEnd < 0 ? Double.NaN
                            : (serverTicksEnd - serverTicksStart) * 1e6 / CLOCK_TICKS_PER_SECOND / merged.length);
            System.out.printf(Locale.ROOT, "  %-28s threads=%d events/s=%.0f p50=%.2fms p99=%.2fms%n", name, threads,
                    f.perSecond(), f.p50ms(), f.p99ms());
            return f;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Empties the ceiling's table, then vacuums, analyzes and checkpoints the database, so that a
     * run does not pay for what the previous one left behind: raw's rows (never read) in the
     * shared buffers in place of es_event's pages, autovacuum of the rows it inserted, a checkpoint
     * of its WAL. Without it, a decision run after raw ran at 55% of raw, before it at 72%.
     */
    private static void quiesce(DataSource database) throws java.sql.SQLException {
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE bench_raw");
            s.execute("VACUUM ANALYZE");
            s.execute("CHECKPOINT");
        }
    }

    /** Linux's USER_HZ: the unit of utime and stime in /proc/<pid>/stat. */
    private static final int CLOCK_TICKS_PER_SECOND = 100;

    /**
     * CPU time (user and system, in clock ticks) of every process named postgres on this machine:
     * the server's backends and its background processes, measured rather than inferred from what
     * the client leaves of the cores. -1 where /proc is not there (not Linux) or PostgreSQL runs
     * elsewhere; a backend that ends during a run takes its ticks with it (the pool keeps them).
     */
    static long postgresCpuTicks() {
        java.nio.file.Path proc = java.nio.file.Path.of("/proc");
        if (!java.nio.file.Files.isDirectory(proc)) {
            return -1;
        }
        long ticks = 0;
        int found = 0;
        try (java.util.stream.Stream<java.nio.file.Path> pids = java.nio.file.Files.list(proc)) {
            for (java.nio.file.Path pid : pids.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String stat = java.nio.file.Files.readString(pid.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    if (open < 0 || close < 0 || !stat.substring(open + 1, close).equals("postgres")) {
                        continue;
                    }
                    String[] fields = stat.substring(close + 2).split(" "); // fields from the 3rd (state) on
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime (14th), stime (15th)
                    found++;
                } catch (java.io.IOException | RuntimeException gone) {
                    // the process ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return found == 0 ? -1 : ticks;
    }
}

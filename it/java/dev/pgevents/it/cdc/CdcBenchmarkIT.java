package dev.pgevents.it.cdc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.devdb.LibertyVariables;
import dev.pgevents.it.Await;
import dev.pgevents.it.fault.FaultServer;
import dev.pgevents.it.fault.ThrowawayPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Change data capture speed on a whole server: from a source transaction's commit to the commit
 * of the posts operator's effect (post-with-comments-count, a MERGE recomputing one row). A JDBC
 * writer commits one comment per transaction on 100 posts, into a table no operator watches (the
 * baseline: the writer's own rate) and then into {@code comment}; a poller reads the operator's
 * applied LSN (table cdc_operator) every millisecond or so, and a transaction's latency is the
 * first poll past it minus its commit. A second round with 4 writers measures the rate the
 * operator sustains. Printed as "CDC-BENCH ..."; see docs/benchmarks.md. Run on purpose only:
 * {@code -Dit.test=CdcBenchmarkIT}; size with {@code -Dcdc.bench.transactions=N} (default 3000).
 */
class CdcBenchmarkIT {

    private static final String DATABASE = "pgevents";
    private static final String OPERATOR = "post-with-comments-count";
    private static final int POSTS = 100;
    private static final int WRITERS = 4;
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private PostsDatabase database;
    private long firstPost;

    @Test
    void commitToOperatorCommit() throws Exception {
        int transactions = Integer.getInteger("cdc.bench.transactions", 3000);
        Path war = Path.of(System.getProperty("war.file", "target/pgevents.war")).toAbsolutePath();
        assertTrue(Files.exists(war), "the WAR " + war + " is missing: run with mvn verify");
        Path servers = Path.of(System.getProperty("liberty.server.dir", "target/liberty/wlp/usr/servers/pgevents-it")).getParent();
        try (ThrowawayPostgres postgres = ThrowawayPostgres.startFreshWithLogicalDecoding(war.getParent().resolve("cdc-bench-postgres"))) {
            postgres.server().ensureDatabase(DATABASE);
            database = new PostsDatabase(postgres.server(), DATABASE);
            int port = freePort();
            Map<String, String> variables = new LinkedHashMap<>(LibertyVariables.forDatabase(postgres.server(), DATABASE));
            variables.put("HTTP_PORT", Integer.toString(port));
            variables.put("HTTP_HOST", "localhost");
            variables.put("ADMIN_PASSWORD", UUID.randomUUID().toString());
            variables.put("EVENTSTORE_PASSWORD", UUID.randomUUID().toString());
            try (FaultServer server = new FaultServer(servers.resolve(System.getProperty("liberty.source.server", "pgevents")),
                    "pgevents-cdc-bench", war, port, variables, variables)) {
                server.start();
                server.awaitReady(Duration.ofMinutes(3));
                awaitApplied(prepare());

                double baseline = oneWriter("cdcit_bench_comment", transactions, null).rate();
                OneWriter cdc = oneWriter("comment", transactions, new Poller());
                Burst burst = burst(transactions);

                System.out.printf("CDC-BENCH %d transactions of one comment each, %d posts, %s%n", transactions, POSTS, postgres.server());
                System.out.printf("CDC-BENCH baseline: 1 writer into an unwatched table      %8.0f commits/s%n", baseline);
                System.out.printf("CDC-BENCH 1 writer into comment, watched               %8.0f commits/s; commit to operator commit p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                        cdc.rate(), cdc.percentile(50), cdc.percentile(99), cdc.percentile(100));
                System.out.printf("CDC-BENCH %d writers into comment                       %8.0f commits/s; operator applied them at %8.0f changes/s (first commit to last applied)%n",
                        WRITERS, burst.writerRate(), burst.appliedRate());
                database.awaitDerivedEqualsRecomputed(Duration.ofSeconds(30));
            }
        }
    }

    /** The baseline's table and the posts; returns a position the operator passes once it applied them. */
    private long prepare() throws SQLException {
        database.execute("CREATE TABLE cdcit_bench_comment (LIKE comment INCLUDING ALL)");
        try (Connection c = database.connect(); var s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO post (title, body) SELECT 'bench ' || i, 'body' FROM generate_series(1, " + POSTS + ") i");
            long position = insertPosition(c);
            c.commit();
            firstPost = database.queryLong("SELECT min(id) FROM post");
            return position;
        }
    }

    /**
     * Inside a transaction: a WAL position below its commit's and above every earlier commit's,
     * so the operator's applied LSN (a source commit's end) passes it exactly when the operator
     * applied this transaction (or a later one). pg_current_wal_lsn() after the commit would not
     * do: the operators' own commits move it too.
     */
    private static long insertPosition(Connection c) throws SQLException {
        try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** One transaction per comment, {@code transactions} of them, from one connection. */
    private OneWriter oneWriter(String table, int transactions, Poller poller) throws SQLException, InterruptedException {
        long[] lsnBefore = new long[transactions];
        long[] committedAt = new long[transactions];
        long start;
        long end;
        if (poller != null) {
            poller.start();
        }
        try (Connection c = database.connect();
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (post_id, body) VALUES (?, ?)")) {
            c.setAutoCommit(false);
            start = System.nanoTime();
            for (int i = 0; i < transactions; i++) {
                insert.setLong(1, firstPost + i % POSTS);
                insert.setString(2, "comment " + i);
                insert.executeUpdate();
                lsnBefore[i] = insertPosition(c);
                c.commit();
                committedAt[i] = System.nanoTime();
            }
            end = System.nanoTime();
        }
        double rate = transactions / ((end - start) / 1e9);
        if (poller == null) {
            return new OneWriter(rate, new double[0]);
        }
        List<long[]> samples = poller.stopOnceApplied(lsnBefore[transactions - 1] + 1);
        double[] latencies = new double[transactions];
        int s = 0;
        for (int i = 0; i < transactions; i++) {
            while (samples.get(s)[1] <= lsnBefore[i]) {
                s++;
            }
            latencies[i] = Math.max(0, samples.get(s)[0] - committedAt[i]) / 1e6;
        }
        Arrays.sort(latencies);
        return new OneWriter(rate, latencies);
    }

    private Burst burst(int transactions) throws Exception {
        List<Thread> writers = new ArrayList<>();
        List<Exception> failures = new ArrayList<>();

        long start = System.nanoTime();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            writers.add(new Thread(() -> {
                try (Connection c = database.connect();
                     PreparedStatement insert = c.prepareStatement("INSERT INTO comment (post_id, body) VALUES (?, ?)")) {
                    c.setAutoCommit(false);
                    for (int i = writer; i < transactions; i += WRITERS) {
                        insert.setLong(1, firstPost + i % POSTS);
                        insert.setString(2, "burst " + i);
                        insert.executeUpdate();
                        c.commit();
                    }
                } catch (SQLException e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, "cdc-bench-writer-" + w));
        }
        writers.forEach(Thread::start);
        for (Thread t : writers) {
            t.join();
        }
        long written = System.nanoTime();
        assertTrue(failures.isEmpty(), failures.toString());
        // one more transaction, after every writer's last commit: applied, it means they all are
        try (Connection c = database.connect(); var s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO comment (post_id, body) VALUES (" + firstPost + ", 'end of burst')");
            long end = insertPosition(c);
            c.commit();
            awaitApplied(end);
        }
        long applied = System.nanoTime();
        return new Burst(transactions / ((written - start) / 1e9), (transactions + 1) / ((applied - start) / 1e9));
    }

    private void awaitApplied(long lsn) {
        Await.until(OPERATOR + " to apply past " + lsn, TIMEOUT, () -> appliedLsn() > lsn);
    }

    private long appliedLsn() {
        return database.queryLong("SELECT applied_lsn FROM cdc_operator WHERE name = '" + OPERATOR + "'");
    }

    private record OneWriter(double rate, double[] sortedLatenciesMs) {
        double percentile(int p) {
            int index = (int) Math.ceil(p / 100.0 * sortedLatenciesMs.length) - 1;
            return sortedLatenciesMs[Math.max(0, Math.min(index, sortedLatenciesMs.length - 1))];
        }
    }

    private record Burst(double writerRate, double appliedRate) {
    }

    /**
     * Reads the operator's applied LSN about every millisecond on one connection, keeping
     * (nanoTime, applied LSN) samples, until it has seen the position it is told to stop at.
     */
    private final class Poller {
        private final List<long[]> samples = new ArrayList<>();
        private volatile long stopAt = Long.MAX_VALUE;
        private Thread thread;
        private SQLException failure;

        void start() {
            thread = new Thread(() -> {
                try (Connection c = database.connect();
                     PreparedStatement s = c.prepareStatement("SELECT applied_lsn FROM cdc_operator WHERE name = ?")) {
                    s.setString(1, OPERATOR);
                    long applied = -1;
                    long deadline = System.nanoTime() + TIMEOUT.toNanos();
                    while (applied < stopAt && System.nanoTime() < deadline) {
                        try (ResultSet rs = s.executeQuery()) {
                            rs.next();
                            applied = rs.getLong(1);
                            samples.add(new long[] {System.nanoTime(), applied});
                        }
                        LockSupport.parkNanos(1_000_000);
                    }
                } catch (SQLException e) {
                    failure = e;
                }
            }, "cdc-bench-poller");
            thread.start();
        }

        List<long[]> stopOnceApplied(long lsn) throws InterruptedException {
            stopAt = lsn;
            thread.join();
            if (failure != null) {
                throw new AssertionError("the poller failed", failure);
            }
            assertTrue(samples.get(samples.size() - 1)[1] >= lsn, OPERATOR + " did not apply up to " + lsn + " within " + TIMEOUT);
            return samples;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

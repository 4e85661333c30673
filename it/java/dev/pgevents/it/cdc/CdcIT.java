package dev.pgevents.it.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.devdb.LibertyVariables;
import dev.pgevents.it.Await;
import dev.pgevents.it.fault.FaultServer;
import dev.pgevents.it.fault.ThrowawayPostgres;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Change data capture on whole servers (issue 15, docs/cdc.md): the WAR on two Liberty servers of
 * their own over one PostgreSQL cluster with wal_level=logical that this test starts and restarts.
 * The posts API over HTTP; one server reads the slot while the other stands by; kill -9 of the
 * reader while JDBC writers change post and comment, the other server taking over; a database
 * restart mid-stream. After each, the derived table must equal its recomputation from the source
 * tables and {@link CdcAudit} must find every committed change applied exactly once. Figures are
 * printed ("CDC ...").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CdcIT {

    private static final String DATABASE = "pgevents";
    private static final String SLOT = "pgevents_cdc";
    private static final String POSTS_OPERATOR = "post-with-comments-count";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration TAKEOVER_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(90);
    private static final int KILLS = 3;
    private static final int TRANSACTIONS_BETWEEN_FAULTS = 150;
    /** Per writer thread (2 threads): well below what the two operators apply (CdcBenchmarkIT). */
    private static final int WRITER_RATE = 40;
    private static final String ADMIN_USER = "cdc-admin";
    private static final String ADMIN_PASSWORD = UUID.randomUUID().toString();

    private final List<String> figures = new ArrayList<>();
    private ThrowawayPostgres postgres;
    private PostsDatabase database;
    private CdcAudit audit;
    private final List<CdcServer> servers = new ArrayList<>();

    @BeforeAll
    void startPostgresAndServers() throws Exception {
        Path war = Path.of(System.getProperty("war.file", "target/pgevents.war")).toAbsolutePath();
        assertTrue(Files.exists(war), "the WAR " + war + " is missing: run the suite with mvn verify");
        Path servers = Path.of(System.getProperty("liberty.server.dir", "target/liberty/wlp/usr/servers/pgevents-it")).getParent();
        postgres = ThrowawayPostgres.startFreshWithLogicalDecoding(war.getParent().resolve("cdc-postgres"));
        postgres.server().ensureDatabase(DATABASE);
        database = new PostsDatabase(postgres.server(), DATABASE);
        audit = new CdcAudit(database);
        database.execute(CdcAudit.SCHEMA);
        Path auditedWar = withAppliedChangeLog(war);
        for (String name : List.of("pgevents-cdc-a", "pgevents-cdc-b")) {
            Map<String, String> variables = new LinkedHashMap<>(LibertyVariables.forDatabase(postgres.server(), DATABASE));
            variables.put("HTTP_PORT", Integer.toString(freePort()));
            variables.put("HTTP_HOST", "localhost");
            variables.put("ADMIN_USER", ADMIN_USER);
            variables.put("ADMIN_PASSWORD", ADMIN_PASSWORD);
            variables.put("EVENTSTORE_PASSWORD", UUID.randomUUID().toString());
            Map<String, String> environment = new LinkedHashMap<>(variables);
            // a read past the operator answers 503 after 2 s rather than 5
            environment.put("PGEVENTS_READ_MIN_POSITION_TIMEOUT_MS", "2000");
            FaultServer server = new FaultServer(servers.resolve(System.getProperty("liberty.source.server", "pgevents")),
                    name, auditedWar, Integer.parseInt(variables.get("HTTP_PORT")), variables, environment);
            this.servers.add(new CdcServer(server, ADMIN_USER, ADMIN_PASSWORD));
        }
        // one after the other: both at once would race on the schema migrations and on the slot's creation
        for (CdcServer server : this.servers) {
            server.process().start();
            server.process().awaitReady(READY_TIMEOUT);
        }
        database.execute(CdcAudit.TRIGGERS);
        System.out.println("CDC suite on " + postgres.server() + ", servers " + this.servers.stream()
                .map(s -> s.process().baseUri().toString()).toList());
    }

    @AfterAll
    void stopServersAndPostgres() {
        figures.forEach(System.out::println);
        try {
            servers.forEach(s -> s.process().close());
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    @Test
    @Order(1)
    void thePostsApiAnswersEveryEndpointAndReadsWaitForTheOperator() throws SQLException {
        CdcServer app = awaitOneReader();

        HttpResponse<String> created = app.post("api/posts", "{\"title\":\"First\",\"body\":\"Hello\"}");
        assertEquals(201, created.statusCode(), created.body());
        JsonObject post = CdcServer.json(created).asJsonObject();
        long id = post.getJsonNumber("id").longValue();
        assertEquals("First", post.getString("title"));
        assertEquals("Hello", post.getString("body"));
        assertTrue(created.headers().firstValue("Location").orElseThrow().endsWith("/api/posts/" + id),
                created.headers().toString());
        assertSummary(app, id, changePosition(created), "First", "Hello", 0);

        HttpResponse<String> commented = app.post("api/posts/" + id + "/comments", "{\"body\":\"Nice\"}");
        assertEquals(201, commented.statusCode(), commented.body());
        JsonObject comment = CdcServer.json(commented).asJsonObject();
        long commentId = comment.getJsonNumber("id").longValue();
        assertEquals(id, comment.getJsonNumber("postId").longValue());
        assertEquals("Nice", comment.getString("body"));
        assertSummary(app, id, changePosition(commented), "First", "Hello", 1);

        HttpResponse<String> updated = app.put("api/posts/" + id, "{\"title\":\"First, edited\",\"body\":\"Hello again\"}");
        assertEquals(204, updated.statusCode(), updated.body());
        long afterUpdate = changePosition(updated);
        assertSummary(app, id, afterUpdate, "First, edited", "Hello again", 1);
        HttpResponse<String> all = app.get("api/post-summaries?minPosition=" + afterUpdate);
        assertEquals(200, all.statusCode(), all.body());
        JsonArray summaries = CdcServer.json(all).asJsonArray();
        assertTrue(summaries.stream().anyMatch(s -> s.asJsonObject().getJsonNumber("id").longValue() == id), all.body());
        List<Long> ids = summaries.stream().map(s -> s.asJsonObject().getJsonNumber("id").longValue()).toList();
        assertEquals(ids.stream().sorted().toList(), ids, "summaries by id");

        HttpResponse<String> uncommented = app.delete("api/comments/" + commentId);
        assertEquals(204, uncommented.statusCode(), uncommented.body());
        assertSummary(app, id, changePosition(uncommented), "First, edited", "Hello again", 0);

        // a writer that is not the application: psql or JDBC, waited for with pg_current_wal_lsn()
        long byJdbc;
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try (var s = c.createStatement()) {
                s.executeUpdate("INSERT INTO comment (post_id, body) VALUES (" + id + ", 'by JDBC 1'), (" + id + ", 'by JDBC 2')");
                s.executeUpdate("UPDATE post SET title = 'Renamed by JDBC' WHERE id = " + id);
            }
            c.commit();
        }
        byJdbc = database.currentLsn();
        assertSummary(app, id, byJdbc, "Renamed by JDBC", "Hello again", 2);
        // the position in PostgreSQL's text form too
        HttpResponse<String> textForm = app.get("api/post-summaries/" + id + "?minPosition=" + textLsn(byJdbc));
        assertEquals(200, textForm.statusCode(), textForm.body());

        HttpResponse<String> deleted = app.delete("api/posts/" + id);
        assertEquals(204, deleted.statusCode(), deleted.body());
        HttpResponse<String> gone = app.get("api/post-summaries/" + id + "?minPosition=" + changePosition(deleted));
        assertProblem(404, gone);
        assertEquals(0, database.queryLong("SELECT count(*) FROM comment WHERE post_id = " + id), "its comments went too");

        long unknown = id + 1_000_000;
        assertProblem(404, app.put("api/posts/" + unknown, "{\"title\":\"t\",\"body\":\"b\"}"));
        assertProblem(404, app.delete("api/posts/" + unknown));
        assertProblem(404, app.post("api/posts/" + unknown + "/comments", "{\"body\":\"b\"}"));
        assertProblem(404, app.delete("api/comments/" + unknown));
        assertProblem(404, app.get("api/post-summaries/" + unknown));
        assertProblem(400, app.post("api/posts", "{\"body\":\"no title\"}"));
        assertProblem(400, app.post("api/posts", "not json"));
        HttpResponse<String> other = app.post("api/posts", "{\"title\":\"Other\",\"body\":\"b\"}");
        long otherId = CdcServer.json(other).asJsonObject().getJsonNumber("id").longValue();
        assertProblem(400, app.put("api/posts/" + otherId, "{\"title\":\"no body\"}"));
        assertProblem(400, app.post("api/posts/" + otherId + "/comments", "{}"));
        assertProblem(400, app.get("api/post-summaries?minPosition=yesterday"));
        // a position the operator cannot reach (far past the WAL's end): 503 after the timeout
        assertProblem(503, app.get("api/post-summaries/" + otherId + "?minPosition=" + (database.currentLsn() + (1L << 40))));
    }

    @Test
    @Order(2)
    void oneServerReadsTheSlotWhileTheOtherStandsBy() {
        CdcServer reader = awaitOneReader();
        CdcServer other = servers.get(1 - servers.indexOf(reader));
        Await.until("the other server to stand by", TAKEOVER_TIMEOUT,
                throttled(() -> other.status().map(s -> s.state().equals("standby")).orElse(false)));
        assertNotNull(database.slot(SLOT).activePid(), "the slot is active");
        assertEquals(1, database.queryLong("SELECT count(*) FROM pg_stat_replication"), "one WAL sender, the reader's");
    }

    @Test
    @Order(3)
    void killingTheReaderMidStreamLosesNoChangeAndAppliesNoneTwice() {
        int windowsHit = 0;
        List<String> kills = new ArrayList<>();
        try (PostsWriter writer = new PostsWriter(database, "k", 2, WRITER_RATE)) {
            for (int kill = 1; kill <= KILLS; kill++) {
                writer.awaitCommitted(writer.committed() + TRANSACTIONS_BETWEEN_FAULTS, CATCH_UP_TIMEOUT);
                CdcServer reader = awaitOneReader();
                CdcServer standby = servers.get(1 - servers.indexOf(reader));
                // the crash window: the operators committed past what the slot has confirmed
                Optional<long[]> window = awaitCrashWindow(Duration.ofSeconds(5));
                reader.process().kill();
                long killedAt = System.nanoTime();
                long atKill = database.currentLsn();
                Await.until("the standby to take over the slot", TAKEOVER_TIMEOUT,
                        throttled(() -> standby.status().map(CdcServer.Status::running).orElse(false)));
                Await.until("the new reader to apply changes written after the kill", TAKEOVER_TIMEOUT,
                        throttled(() -> standby.status().map(s -> s.applied(POSTS_OPERATOR, atKill + 1)).orElse(false)));
                Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
                kills.add("kill " + kill + ": " + window.map(w -> "applied " + w[0] + " > confirmed " + w[1]).orElse("window not seen")
                        + ", taken over and applying in " + takeover.toMillis() + " ms");
                windowsHit += window.isPresent() ? 1 : 0;
                reader.process().start();
                reader.process().awaitReady(READY_TIMEOUT);
            }
            figures.add("CDC kill -9 of the reader: " + writer.committed() + " writer transactions, " + kills);
        }
        assertCaughtUpAndExactlyOnce("kill -9 of the reader");
        assertTrue(windowsHit > 0, "no kill landed between an operator's commit and the slot's confirmation: " + kills);
    }

    @Test
    @Order(4)
    void aDatabaseRestartMidStreamIsResumed() {
        long reconnects;
        try (PostsWriter writer = new PostsWriter(database, "r", 2, WRITER_RATE)) {
            writer.awaitCommitted(TRANSACTIONS_BETWEEN_FAULTS, CATCH_UP_TIMEOUT);
            postgres.stop();
            long stoppedAt = System.nanoTime();
            postgres.start();
            writer.awaitCommitted(writer.committed() + TRANSACTIONS_BETWEEN_FAULTS, CATCH_UP_TIMEOUT);
            long atRestart = database.currentLsn();
            Await.until("a reader to apply changes written after the restart", CATCH_UP_TIMEOUT,
                    throttled(() -> servers.stream().anyMatch(s -> s.status().map(st -> st.running()
                            && st.applied(POSTS_OPERATOR, atRestart + 1)).orElse(false))));
            figures.add("CDC database restart: reading again " + Duration.ofNanos(System.nanoTime() - stoppedAt).toMillis()
                    + " ms after the stop; " + writer.committed() + " writer transactions, " + writer.reconnects() + " writer reconnects");
        }
        assertCaughtUpAndExactlyOnce("database restart");
    }

    /** Waits until every operator applied everything written so far, then compares with the source tables. */
    private void assertCaughtUpAndExactlyOnce(String scenario) {
        long end = database.currentLsn();
        Await.until("every operator to apply up to " + textLsn(end), CATCH_UP_TIMEOUT,
                throttled(() -> servers.stream().anyMatch(s -> s.status().map(st -> st.running() && st.applied(POSTS_OPERATOR, end)
                        && st.applied(AppliedChangeLog.NAME, end)).orElse(false))));
        CdcAudit.Result result = audit.check();
        List<String> derived = database.derivedRows();
        boolean derivedRight = derived.equals(database.recomputedRows());
        figures.add("CDC " + scenario + ": " + derived.size() + " posts, derived table " + (derivedRight ? "right" : "WRONG")
                + ", " + result);
        // both checks in one message: a Java handler fed by the change events and a SQL operator
        // recomputing from the source tables fail differently
        assertTrue(result.exactlyOnce() && derivedRight, scenario + ": " + (result.exactlyOnce() ? "" : "changes not applied exactly once: "
                + result + "; ") + (derivedRight ? "" : "post_with_comments_count differs from its recomputation: " + database.differences()));
    }

    /**
     * Polls until the posts operator's applied LSN (its state row) is past the slot's confirmed
     * LSN, both read in one statement; returns them, or empty if that was not seen before the deadline.
     */
    private Optional<long[]> awaitCrashWindow(Duration timeout) {
        try (Connection c = database.connect(); var s = c.prepareStatement("""
                SELECT o.applied_lsn, s.confirmed_flush_lsn - '0/0'::pg_lsn
                FROM cdc_operator o, pg_replication_slots s WHERE o.name = ? AND s.slot_name = ?""")) {
            s.setString(1, POSTS_OPERATOR);
            s.setString(2, SLOT);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = s.executeQuery()) {
                    assertTrue(rs.next(), "no state row for " + POSTS_OPERATOR + " or no slot " + SLOT);
                    long[] window = {rs.getLong(1), rs.getLong(2)};
                    if (window[0] > window[1]) {
                        return Optional.of(window);
                    }
                }
            }
            return Optional.empty();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** Evaluates {@code condition} at most every 100 ms (false in between): Await polls fast, each evaluation is HTTP. */
    private static BooleanSupplier throttled(BooleanSupplier condition) {
        long[] next = {0};
        return () -> {
            if (System.nanoTime() - next[0] < 0) {
                return false;
            }
            next[0] = System.nanoTime() + 100_000_000L;
            return condition.getAsBoolean();
        };
    }

    /** Waits until exactly one server says it reads the slot, and returns it. */
    private CdcServer awaitOneReader() {
        Await.until("exactly one server reading the slot", TAKEOVER_TIMEOUT, throttled(() -> readers().size() == 1));
        return readers().get(0);
    }

    private List<CdcServer> readers() {
        return servers.stream().filter(s -> s.status().map(CdcServer.Status::running).orElse(false)).toList();
    }

    private static void assertSummary(CdcServer app, long id, long minPosition, String title, String body, int comments) {
        HttpResponse<String> r = app.get("api/post-summaries/" + id + "?minPosition=" + minPosition);
        assertEquals(200, r.statusCode(), r.body());
        JsonObject summary = CdcServer.json(r).asJsonObject();
        assertEquals(id, summary.getJsonNumber("id").longValue());
        assertEquals(title, summary.getString("title"));
        assertEquals(body, summary.getString("body"));
        assertEquals(comments, summary.getInt("commentsCount"), r.body());
    }

    private static void assertProblem(int status, HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse("").split(";")[0], r.body());
        JsonObject problem = CdcServer.json(r).asJsonObject();
        assertEquals(status, problem.getInt("status"), r.body());
        assertTrue(Stream.of("java.", "jakarta.", "Exception").noneMatch(r.body()::contains), "no class names: " + r.body());
    }

    private static long changePosition(HttpResponse<String> r) {
        String header = r.headers().firstValue("Change-Position")
                .orElseThrow(() -> new AssertionError("no Change-Position header: " + r.headers()));
        return Lsn.parse(header);
    }

    private static String textLsn(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }

    private static Path withAppliedChangeLog(Path war) {
        Path audited = war.resolveSibling("pgevents-cdc-audited.war");
        ShrinkWrap.createFromZipFile(WebArchive.class, war.toFile()).addClass(AppliedChangeLog.class)
                .as(ZipExporter.class).exportTo(audited.toFile(), true);
        return audited;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

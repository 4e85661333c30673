package dev.pgevents.it.cdc;

import dev.pgevents.it.Await;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Writers of {@code post} and {@code comment} by plain JDBC, as another program or a psql session
 * would be: many small transactions, each thread on posts of its own (titles {@code <prefix>-<k>-...}).
 * A transaction inserts a post (now and then with a TOAST-sized body) or a post with three
 * comments, comments one, renames a post (its big body then travels as "unchanged TOAST"), moves
 * a comment to another post (the operator's key changes), deletes a comment, deletes a post with
 * its comments, or inserts and rolls back. When the database goes away a writer reconnects and
 * reloads its posts (an interrupted commit may or may not have happened: the tables are the truth).
 * Each thread is paced to a rate: the operators apply a few hundred source transactions a second
 * on this machine (docs/benchmarks.md), and a writer at full speed (thousands a second) would only
 * pile up a backlog that no deadline of a test could wait for.
 */
final class PostsWriter implements AutoCloseable {

    private static final Duration RECONNECT_PAUSE = Duration.ofMillis(100);

    private final PostsDatabase database;
    private final String prefix;
    private final long periodNanos;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopped;

    PostsWriter(PostsDatabase database, String prefix, int threadCount, int transactionsPerSecondPerThread) {
        this.database = database;
        this.prefix = prefix;
        this.periodNanos = 1_000_000_000L / transactionsPerSecondPerThread;
        for (int k = 0; k < threadCount; k++) {
            int thread = k;
            threads.add(new Thread(() -> run(thread), "cdc-writer-" + prefix + "-" + k));
        }
        threads.forEach(Thread::start);
    }

    long committed() {
        return committed.get();
    }

    long reconnects() {
        return reconnects.get();
    }

    void awaitCommitted(long transactions, Duration timeout) {
        Await.until(transactions + " committed writer transactions (" + committed() + " so far)", timeout,
                () -> committed() >= transactions || failure.get() != null);
        rethrowFailure();
    }

    /** Stops the writers after their current transaction and waits for them. */
    @Override
    public void close() {
        stopped = true;
        for (Thread t : threads) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " did not stop within 30 s");
            }
        }
        rethrowFailure();
    }

    private void rethrowFailure() {
        if (failure.get() != null) {
            throw new AssertionError("a posts writer failed", failure.get());
        }
    }

    private void run(int thread) {
        String owner = prefix + "-" + thread + "-";
        Random random = new Random(31L * thread + prefix.hashCode());
        try {
            while (!stopped) {
                try (Connection c = database.connect()) {
                    c.setAutoCommit(false);
                    Own own = Own.load(c, owner);
                    c.commit();
                    long next = System.nanoTime();
                    while (!stopped) {
                        if (writeOne(c, own, owner, random)) {
                            committed.incrementAndGet();
                        }
                        next += periodNanos;
                        LockSupport.parkNanos(next - System.nanoTime());
                    }
                } catch (SQLException e) {
                    // the database went away (restart, outage): reconnect and go on
                    reconnects.incrementAndGet();
                    pause(RECONNECT_PAUSE);
                }
            }
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One transaction; true when it committed. */
    private boolean writeOne(Connection c, Own own, String owner, Random random) throws SQLException {
        int dice = random.nextInt(100);
        if (own.posts.size() < 3 || dice < 15) {
            own.posts.add(insertPost(c, owner + "p", random.nextInt(10) == 0 ? bigBody(random) : "body " + dice));
        } else if (dice < 20) {
            long post = insertPost(c, owner + "p", "with three comments");
            own.posts.add(post);
            for (int i = 0; i < 3; i++) {
                own.comments.add(new long[] {insertComment(c, post, "c" + i), post});
            }
        } else if (dice < 50) {
            long post = pick(own.posts, random);
            own.comments.add(new long[] {insertComment(c, post, "comment " + dice), post});
        } else if (dice < 62) {
            update(c, "UPDATE post SET title = ? WHERE id = ?", owner + "renamed-" + dice, pick(own.posts, random));
        } else if (dice < 72 && !own.comments.isEmpty()) {
            long[] comment = own.comments.get(random.nextInt(own.comments.size()));
            long to = pick(own.posts, random);
            update(c, "UPDATE comment SET post_id = ? WHERE id = ?", to, comment[0]);
            comment[1] = to;
        } else if (dice < 82 && !own.comments.isEmpty()) {
            long[] comment = own.comments.remove(random.nextInt(own.comments.size()));
            update(c, "DELETE FROM comment WHERE id = ?", comment[0]);
        } else if (dice < 90) {
            long post = own.posts.remove(random.nextInt(own.posts.size()));
            update(c, "DELETE FROM comment WHERE post_id = ?", post);
            update(c, "DELETE FROM post WHERE id = ?", post);
            own.comments.removeIf(comment -> comment[1] == post);
        } else if (dice < 95) {
            insertComment(c, pick(own.posts, random), "rolled back");
            c.rollback();
            return false;
        } else {
            update(c, "UPDATE post SET body = ? WHERE id = ?", "rewritten " + dice, pick(own.posts, random));
        }
        c.commit();
        return true;
    }

    private static long insertPost(Connection c, String title, String body) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO post (title, body) VALUES (?, ?) RETURNING id")) {
            s.setString(1, title);
            s.setString(2, body);
            return single(s);
        }
    }

    private static long insertComment(Connection c, long post, String body) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO comment (post_id, body) VALUES (?, ?) RETURNING id")) {
            s.setLong(1, post);
            s.setString(2, body);
            return single(s);
        }
    }

    private static void update(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            s.executeUpdate();
        }
    }

    private static long single(PreparedStatement s) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long pick(List<Long> ids, Random random) {
        return ids.get(random.nextInt(ids.size()));
    }

    /** About 12 kB of letters that do not compress well: stored out of line (TOAST). */
    private static String bigBody(Random random) {
        StringBuilder b = new StringBuilder(12_000);
        for (int i = 0; i < 12_000; i++) {
            b.append((char) ('a' + random.nextInt(26)));
        }
        return b.toString();
    }

    /** A writer's posts and comments ({id, post id}), as the database has them. */
    private record Own(List<Long> posts, List<long[]> comments) {
        static Own load(Connection c, String owner) throws SQLException {
            Own own = new Own(new ArrayList<>(), new ArrayList<>());
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM post WHERE title LIKE ? ORDER BY id")) {
                s.setString(1, owner + "%");
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        own.posts.add(rs.getLong(1));
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT c.id, c.post_id FROM comment c JOIN post p ON p.id = c.post_id WHERE p.title LIKE ? ORDER BY c.id")) {
                s.setString(1, owner + "%");
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        own.comments.add(new long[] {rs.getLong(1), rs.getLong(2)});
                    }
                }
            }
            return own;
        }
    }
}

package dev.pgevents.it.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.Event;
import dev.pgevents.it.Await;
import dev.pgevents.it.Deployments;
import dev.pgevents.it.listener.support.BenchReadModel;
import dev.pgevents.it.listener.support.CounterSummary;
import dev.pgevents.it.listener.support.ItAppender;
import dev.pgevents.it.listener.support.ItConfig;
import dev.pgevents.it.listener.support.ItEvents;
import dev.pgevents.listener.ListenerEngine;
import dev.pgevents.listener.cdi.ListenerRuntime;
import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The listener benchmark inside Liberty, on a JPA read model (a total per counter, 1,000
 * counters): the catch-up rate over 100,000 pre-appended events, and the end-to-end latency from
 * an append's commit to the read model's commit with the poll interval at 5 s (only the wake-ups
 * can make it fast). Figures go to the server log (lines starting "LISTENER BENCHMARK") and to
 * target/listener-benchmark.txt; docs/listeners.md has the measured ones.
 */
@ExtendWith(ArquillianExtension.class)
class ListenerBenchmarkIT {

    private static final Logger LOG = Logger.getLogger(ListenerBenchmarkIT.class.getName());
    static final int EVENTS = 100_000;
    static final int PER_APPEND = 100;
    static final int COUNTERS = 1_000;
    static final int LATENCY_SAMPLES = 300;

    @Deployment
    static WebArchive deployment() {
        return Deployments.application()
                .addPackage(CounterSummary.class.getPackage())
                .addClass(Await.class)
                .addAsResource(new StringAsset(ItConfig.class.getName()),
                        "META-INF/services/org.eclipse.microprofile.config.spi.ConfigSource");
    }

    @Inject
    ItAppender appender;

    @Inject
    ListenerRuntime runtime;

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource nonTx;

    private long query(String sql) throws Exception {
        try (Connection c = nonTx.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void report(String line) {
        LOG.info("LISTENER BENCHMARK " + line);
        System.out.println("LISTENER BENCHMARK " + line);
    }

    @Test
    void catchUpAndLatency() throws Exception {
        ListenerEngine engine = runtime.engine();
        String id = BenchReadModel.ID;
        // ------------------------------------------------------------------ catch-up over 100,000 events
        runtime.admin().pause(id);
        long loadStart = System.nanoTime();
        long last = 0;
        for (int a = 0; a < EVENTS / PER_APPEND; a++) {
            List<Event> batch = new ArrayList<>(PER_APPEND);
            for (int i = 0; i < PER_APPEND; i++) {
                int n = a * PER_APPEND + i;
                batch.add(new ItEvents.Benched("c-" + (n % COUNTERS), 1));
            }
            last = appender.appendBulk(batch);
        }
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        long before = query("SELECT count(*) FROM it_bench_counter");
        long start = System.nanoTime();
        runtime.admin().resume(id);
        runtime.wakeAll();
        long head = last;
        Await.until("the catch-up", Duration.ofMinutes(5), () -> runtime.admin().info(id).position() >= head);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(0, before);
        assertEquals(EVENTS, query("SELECT sum(events) FROM it_bench_counter"), "every event applied once");
        assertEquals(COUNTERS, query("SELECT count(*) FROM it_bench_counter"));
        String catchUp = String.format("catch-up: %,d events in %.2f s = %,.0f events/s (JPA read model, %,d counters,"
                + " batch size %d); loading took %.1f s (%,.0f events/s)", EVENTS, seconds, EVENTS / seconds, COUNTERS,
                engine.settings(id).batchSize(), loadSeconds, EVENTS / loadSeconds);
        report(catchUp);

        // --------------------------------------------------------- latency, poll interval 5 s: wake-ups only
        assertEquals(Duration.ofSeconds(5), engine.settings(id).pollInterval());
        long[] millis = new long[LATENCY_SAMPLES];
        long[] toRead = new long[LATENCY_SAMPLES];
        for (int i = 0; i < LATENCY_SAMPLES; i++) {
            long[] appended = appender.appendTimed(new ItEvents.Benched("latency", 1));
            long position = appended[0];
            long limit = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            Long committed;
            while ((committed = BenchReadModel.COMMITTED.get(position)) == null) {
                assertTrue(System.nanoTime() < limit, "event " + position + " not in the read model within 10 s");
                Thread.onSpinWait();
            }
            millis[i] = Math.max(0, committed - appended[1]) / 1000; // microseconds
            Long read = BenchReadModel.READ.get(position);
            toRead[i] = read == null ? -1 : Math.max(0, read - appended[1]) / 1000;
        }
        Arrays.sort(millis);
        Arrays.sort(toRead);
        String latency = String.format("latency append commit -> read model commit over %d sequential appends, poll"
                + " interval 5 s: p50 %.1f ms, p99 %.1f ms, max %.1f ms", LATENCY_SAMPLES, millis[LATENCY_SAMPLES / 2] / 1000.0,
                millis[(int) Math.ceil(LATENCY_SAMPLES * 0.99) - 1] / 1000.0, millis[LATENCY_SAMPLES - 1] / 1000.0);
        report(latency);
        report(String.format("  of which commit -> batch read (wake-up, timer dispatch, lease, lock, safe position, read):"
                + " p50 %.1f ms, p99 %.1f ms", toRead[LATENCY_SAMPLES / 2] / 1000.0,
                toRead[(int) Math.ceil(LATENCY_SAMPLES * 0.99) - 1] / 1000.0));
        assertTrue(millis[LATENCY_SAMPLES / 2] < 1_000_000, "wake-ups, not the 5 s poll, deliver: " + latency);
    }
}

package dev.pgevents.listener.cdi;

import dev.pgevents.eventstore.EventCodec;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.listener.EventListener;
import dev.pgevents.listener.ListenerAdmin;
import dev.pgevents.listener.ListenerEngine;
import dev.pgevents.listener.ListenerSettings;
import dev.pgevents.listener.ListenerTables;
import dev.pgevents.listener.PassResult;
import dev.pgevents.platform.Durations;
import dev.pgevents.transaction.Transactions;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.Config;

/**
 * Runs the application's listeners (every CDI bean implementing {@link EventListener}) on this
 * node. What drives the loop:
 * <ul>
 *   <li>an EJB interval timer per listener (non-persistent) at its poll interval: the fallback;</li>
 *   <li>{@link ListenerWakeUps}: a committed append on this node wakes the listeners whose query
 *       matches it (a coalesced single-action timer each), and asks for one coalesced NOTIFY to
 *       other nodes;</li>
 *   <li>a dedicated LISTEN connection (a long-running timer task, {@link NotificationLoop}) wakes
 *       the listeners when another node appended.</li>
 * </ul>
 * A pass that stopped early (more events waiting) or an event whose retry is due schedules the
 * next pass itself. Database errors end the pass; the next tick tries again, so the loop resumes
 * by itself when the database returns.
 */
@Singleton
@Startup
@DependsOn("SchemaMigrations")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ListenerRuntime {

    private static final Logger LOG = Logger.getLogger(ListenerRuntime.class.getName());

    /** NOTIFY channel; the payload is the sending node's id (a wake-up, never data). */
    public static final String CHANNEL = "pgevents_events";

    private static final String POLL = "poll:";
    private static final String WAKE = "wake:";
    private static final String LISTEN = "listen";
    private static final String NOTIFY = "notify";

    @Resource
    TimerService timerService;

    @Resource(lookup = "jdbc/pgevents")
    DataSource dataSource;

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource nonTxDataSource;

    @Inject
    Instance<EventListener> listeners;

    @Inject
    Transactions transactions;

    @Inject
    Config config;

    @Inject
    ListenerMetrics metrics;

    @Inject
    jakarta.enterprise.event.Event<ListenerBatchCommitted> batchCommitted;

    @Inject
    jakarta.enterprise.event.Event<AppendedElsewhere> appendedElsewhere;

    private ListenerEngine engine;
    private ListenerAdmin admin;
    @Inject
    EventStore store;

    @Inject
    EventCodec codec;

    @Inject
    ListenerWakeUps wakeUps;

    private String node;
    private final Map<String, AtomicLong> errorsLogged = new ConcurrentHashMap<>();
    private volatile boolean running;
    private NotificationLoop notifications;

    @PostConstruct
    void start() {
        node = hostName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        // The engine reads raw events and decodes each with the store's codec: a failing decode is
        // that event's failure, not the batch's.
        engine = new ListenerEngine(node, transactions, dataSource, store, codec::decode,
                id -> ListenerSettings.resolve(id, key -> config.getOptionalValue(key, String.class)),
                new CommittedBatches(metrics, batchCommitted));
        admin = new ListenerAdmin(engine);
        running = true;
        for (EventListener listener : listeners) {
            ListenerSettings s = ListenerSettings.resolve(listener.id(), key -> config.getOptionalValue(key, String.class));
            if (!s.enabled()) {
                LOG.info(() -> "listener " + listener.id() + " is disabled on this node");
                continue;
            }
            engine.register(listener);
            wakeUps.register(listener.id(), listener.query(), s.wakeDelay());
            metrics.register(listener.id(), this::lag);
            long interval = s.pollInterval().toMillis();
            timerService.createIntervalTimer(Math.min(interval, 200), interval, new TimerConfig(POLL + listener.id(), false));
            LOG.info(() -> "listener " + listener.id() + " runs on node " + node + ", poll interval " + s.pollInterval());
        }
        boolean notify = config.getOptionalValue("pgevents.listener.notify.enabled", Boolean.class).orElse(true);
        wakeUps.start(notify, config.getOptionalValue("pgevents.listener.notify.interval", String.class)
                .map(Durations::parse).orElse(Duration.ofMillis(20)));
        if (notify) {
            notifications = new NotificationLoop(nonTxDataSource, CHANNEL, node, this::wakeAllFromElsewhere,
                    config.getOptionalValue("pgevents.listener.notify.reconnect-max", String.class)
                            .map(Durations::parse).orElse(Duration.ofSeconds(30)));
            timerService.createSingleActionTimer(1, new TimerConfig(LISTEN, false));
        }
    }

    @PreDestroy
    void stop() {
        wakeUps.stop();
        running = false;
        if (notifications != null) {
            notifications.stop();
        }
        for (Timer t : timerService.getTimers()) {
            try {
                t.cancel();
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
        try {
            engine.releaseLeases();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not release the listener leases of node " + node + ": " + e);
        }
    }

    public ListenerEngine engine() {
        return engine;
    }

    public ListenerAdmin admin() {
        return admin;
    }

    public String node() {
        return node;
    }

    // ----------------------------------------------------------------------------------- wake-ups

    /** Wakes every listener of this node after its wake delay (coalesced: at most one pending wake-up each). */
    public void wakeAll() {
        wakeUps.wakeAll();
    }

    private void wakeAllFromElsewhere() {
        wakeUps.wakeAll();
        appendedElsewhere.fire(new AppendedElsewhere());
    }

    /** For {@link ListenerWakeUps}: a pass of the listener after the delay; false once stopped. */
    public boolean scheduleWake(String id, long delayMillis) {
        return running && timerService.createSingleActionTimer(delayMillis, new TimerConfig(WAKE + id, false)) != null;
    }

    /** For {@link ListenerWakeUps}: one NOTIFY to the other nodes, soon; false once stopped. */
    public boolean scheduleNotify(long delayMillis) {
        return running && timerService.createSingleActionTimer(delayMillis, new TimerConfig(NOTIFY, false)) != null;
    }

    @Timeout
    void timeout(Timer timer) {
        if (!running) {
            return;
        }
        String info = String.valueOf(timer.getInfo());
        if (info.equals(LISTEN)) {
            listenForAWhile();
        } else if (info.equals(NOTIFY)) {
            sendNotify();
        } else if (info.startsWith(WAKE)) {
            String id = info.substring(WAKE.length());
            wakeUps.fired(id);
            pass(id);
        } else if (info.startsWith(POLL)) {
            pass(info.substring(POLL.length()));
        }
    }

    private void pass(String id) {
        long seen = wakeUps.count(id);
        if (seen < 0) {
            return;
        }
        try {
            PassResult result = engine.runPass(id);
            errorsLogged.computeIfAbsent(id, k -> new AtomicLong()).set(0);
            wakeUps.passEnded(id, seen, result);
        } catch (RuntimeException e) {
            // database outage and the like: the next tick tries again; log the first of a series fully
            long n = errorsLogged.computeIfAbsent(id, k -> new AtomicLong()).getAndIncrement();
            if (n == 0) {
                LOG.log(Level.WARNING, "listener " + id + ": pass failed, retrying at the next tick", e);
            } else if (n % 60 == 0) {
                LOG.warning("listener " + id + ": still failing (" + n + " passes): " + e);
            }
        }
    }

    // ------------------------------------------------------------------------------ LISTEN/NOTIFY

    private void listenForAWhile() {
        try {
            notifications.run(Duration.ofSeconds(60), () -> running);
        } finally {
            if (running) {
                timerService.createSingleActionTimer(notifications.nextStartDelayMillis(), new TimerConfig(LISTEN, false));
            }
        }
    }

    /** One NOTIFY for any number of appends since the last one (outside the append transactions). */
    private void sendNotify() {
        if (!wakeUps.takeNotify()) {
            return;
        }
        try (Connection c = nonTxDataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, CHANNEL);
            ps.setString(2, node);
            ps.execute();
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.FINE, "NOTIFY failed (other nodes will poll): {0}", e.toString());
        }
    }

    // ------------------------------------------------------------------------------------ gauges

    /** Lag in positions of a listener (safe position - checkpoint), or -1 when unknown. */
    long lag(String id) {
        try (Connection c = nonTxDataSource.getConnection()) {
            return ListenerTables.lag(c, id);
        } catch (SQLException | RuntimeException e) {
            return -1;
        }
    }

    private static String hostName() {
        try {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse(InetAddress.getLocalHost().getHostName());
        } catch (Exception e) {
            return "node";
        }
    }
}

package dev.pgevents.processor.cdi;

import dev.pgevents.transaction.Transactions;
import dev.pgevents.processor.TaskAdmin;
import dev.pgevents.processor.TaskHandler;
import dev.pgevents.processor.TaskSettings;
import dev.pgevents.processor.TaskWorker;
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
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.Config;

/**
 * Runs the application's task handlers (every CDI bean implementing {@link TaskHandler}) on this
 * node: a non-persistent EJB interval timer per type polls for due tasks; a committed enqueue on
 * this node wakes its type at once ({@link TaskQueueProducer}); the tasks run on the container's
 * {@link ManagedExecutorService}; a timer renews the leases of running tasks every third of the
 * shortest lease. Database errors end a poll; the next tick tries again.
 */
@Singleton
@Startup
@DependsOn("SchemaMigrations")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ProcessorRuntime {

    private static final Logger LOG = Logger.getLogger(ProcessorRuntime.class.getName());
    private static final String POLL = "poll:";
    private static final String RENEW = "renew";
    private static final String CLEAN_UP = "clean-up";
    private static final long CLEAN_UP_MIN_MILLIS = 1_000;
    private static final long CLEAN_UP_MAX_MILLIS = 600_000;

    @Resource
    TimerService timerService;

    @Resource(lookup = "jdbc/pgevents")
    DataSource dataSource;

    @Resource
    ManagedExecutorService executor;

    @Inject
    Instance<TaskHandler> handlers;

    @Inject
    Transactions transactions;

    @Inject
    Config config;

    @Inject
    ProcessorMetrics metrics;

    private TaskWorker worker;
    private TaskAdmin admin;
    private final Map<String, AtomicBoolean> wakePending = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> errorsLogged = new ConcurrentHashMap<>();
    private volatile boolean running;

    @PostConstruct
    void start() {
        String node = hostName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        worker = new TaskWorker(node, transactions, dataSource, this::settings, executor, metrics);
        admin = new TaskAdmin(worker);
        running = true;
        long shortestLease = Long.MAX_VALUE;
        long shortestRetention = Long.MAX_VALUE;
        for (TaskHandler handler : handlers) {
            TaskSettings s = settings(handler.type());
            if (!s.enabled()) {
                LOG.info(() -> "tasks of type " + handler.type() + " do not run on this node (disabled)");
                continue;
            }
            worker.register(handler);
            wakePending.put(handler.type(), new AtomicBoolean());
            errorsLogged.put(handler.type(), new AtomicLong());
            shortestLease = Math.min(shortestLease, s.leaseDuration().toMillis());
            shortestRetention = Math.min(shortestRetention, s.retention().map(Duration::toMillis).orElse(Long.MAX_VALUE));
            long interval = s.pollInterval().toMillis();
            timerService.createIntervalTimer(Math.min(interval, 200), interval, new TimerConfig(POLL + handler.type(), false));
            LOG.info(() -> "tasks of type " + handler.type() + " run on node " + node + ", concurrency "
                    + s.concurrency() + ", poll interval " + s.pollInterval());
        }
        metrics.register(worker.types(), admin);
        if (!wakePending.isEmpty()) {
            long renew = Math.max(50, shortestLease / 3);
            timerService.createIntervalTimer(renew, renew, new TimerConfig(RENEW, false));
        }
        if (shortestRetention < Long.MAX_VALUE) {
            // done tasks are deleted at most a quarter of their retention late (and at most every second)
            long every = Math.max(CLEAN_UP_MIN_MILLIS, Math.min(CLEAN_UP_MAX_MILLIS, shortestRetention / 4));
            timerService.createIntervalTimer(every, every, new TimerConfig(CLEAN_UP, false));
        }
    }

    private TaskSettings settings(String type) {
        return TaskSettings.resolve(type, key -> config.getOptionalValue(key, String.class));
    }

    @PreDestroy
    void stop() {
        running = false;
        for (Timer t : timerService.getTimers()) {
            try {
                t.cancel();
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
        try {
            worker.releaseLeases();
        } catch (RuntimeException | LinkageError e) { // LinkageError: the application's classes already gone
            LOG.log(Level.WARNING, "could not hand back the running tasks of node " + worker.node() + ": " + e);
        }
    }

    public TaskAdmin admin() {
        return admin;
    }

    public TaskWorker worker() {
        return worker;
    }

    /** Looks for due tasks of the type now (coalesced: at most one pending look per type). */
    public void wake(String type) {
        AtomicBoolean pending = wakePending.get(type);
        if (running && pending != null && pending.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    pending.set(false); // enqueues from now on wake again
                    poll(type);
                });
            } catch (RuntimeException e) {
                pending.set(false); // stopping; the poll timer is the fallback anyway
            }
        }
    }

    @Timeout
    void timeout(Timer timer) {
        if (!running) {
            return;
        }
        String info = String.valueOf(timer.getInfo());
        if (info.equals(RENEW)) {
            try {
                worker.renewLeases();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "lease renewal failed (tried again at the next tick): {0}", e.toString());
            }
        } else if (info.equals(CLEAN_UP)) {
            try {
                int deleted = worker.deleteExpiredDoneTasks();
                LOG.fine(() -> deleted + " done tasks past their retention deleted");
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "clean-up of done tasks failed (tried again at the next tick): {0}", e.toString());
            }
        } else if (info.startsWith(POLL)) {
            poll(info.substring(POLL.length()));
        }
    }

    private void poll(String type) {
        if (!running) {
            return;
        }
        AtomicLong errors = errorsLogged.get(type);
        try {
            worker.poll(type);
            errors.set(0);
        } catch (RuntimeException e) {
            // database outage and the like: the next tick tries again; log the first of a series fully
            long n = errors.getAndIncrement();
            if (n == 0) {
                LOG.log(Level.WARNING, "tasks of type " + type + ": poll failed, retrying at the next tick", e);
            } else if (n % 60 == 0) {
                LOG.warning("tasks of type " + type + ": polls still failing (" + n + "): " + e);
            }
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

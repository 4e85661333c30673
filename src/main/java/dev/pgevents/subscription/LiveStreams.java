package dev.pgevents.subscription;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.Config;

/**
 * The server's SSE clients: opens an {@link SseOutbox} per client, writes to all of them with
 * {@code writer-threads} threads, sends heartbeat comments to idle ones every {@code heartbeat},
 * closes cut-off ones after the grace period and every one when the application stops (else
 * undeploying waits for open connections).
 */
@ApplicationScoped
public class LiveStreams {

    @Resource
    ManagedThreadFactory threads;

    @Inject
    Config config;

    private SubscriptionSettings settings;
    private ExecutorService writers;
    private ScheduledExecutorService timer;
    private final Set<SseOutbox> open = ConcurrentHashMap.newKeySet();

    @PostConstruct
    void start() {
        settings = SubscriptionSettings.resolve(key -> config.getOptionalValue(key, String.class));
        writers = Executors.newFixedThreadPool(settings.writerThreads(), threads);
        timer = Executors.newSingleThreadScheduledExecutor(threads);
        long beat = settings.heartbeat().toMillis();
        timer.scheduleWithFixedDelay(this::heartbeats, beat, beat, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
        for (SseOutbox o : open) {
            o.close();
        }
        writers.shutdownNow();
    }

    public SubscriptionSettings settings() {
        return settings;
    }

    /**
     * An outbox for a client; {@code drained} runs when its buffer ran empty (a producer that
     * waits for room, may be a no-op).
     */
    public SseOutbox open(SseEventSink sink, Sse sse, Runnable drained) {
        SseOutbox outbox = new SseOutbox(sink, sse, settings.bufferEvents(), writers, timer, settings.cutOffGrace(),
                drained, open::remove);
        open.add(outbox);
        return outbox;
    }

    /** Clients connected now. */
    public int clients() {
        return open.size();
    }

    private void heartbeats() {
        for (SseOutbox o : open) {
            o.heartbeat();
        }
    }
}

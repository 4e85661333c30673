package dev.pgevents.subscription;

import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The messages waiting for one SSE client, at most {@code limit}: written in order by the shared
 * writer threads, one at a time per client (the next after the previous write completed), so a
 * client that does not read holds no thread, only its buffer. A message that would overflow the
 * buffer cuts the client off instead: the waiting messages are dropped, an {@code event: cut-off}
 * saying why is sent, and the connection is closed (after the grace period even if the client
 * never reads it). Heartbeat comments go out only to idle clients and never count.
 */
public final class SseOutbox {

    private static final Logger LOG = Logger.getLogger(SseOutbox.class.getName());

    /** The name of the last event a cut-off client receives. */
    public static final String CUT_OFF = "cut-off";

    private final SseEventSink sink;
    private final Sse sse;
    private final int limit;
    private final Executor writers;
    private final ScheduledExecutorService timer;
    private final Duration grace;
    private final Runnable drained;
    private final Consumer<SseOutbox> closed;

    private final ArrayDeque<OutboundSseEvent> queue = new ArrayDeque<>();
    private boolean writing;
    private boolean closing;     // cut off: the last message is queued, then close
    private boolean isClosed;

    /**
     * @param drained called (on a writer thread) when the buffer ran empty: a producer waiting for room
     * @param closed  called once when the connection is closed
     */
    SseOutbox(SseEventSink sink, Sse sse, int limit, Executor writers, ScheduledExecutorService timer, Duration grace,
              Runnable drained, Consumer<SseOutbox> closed) {
        this.sink = sink;
        this.sse = sse;
        this.limit = limit;
        this.writers = writers;
        this.timer = timer;
        this.grace = grace;
        this.drained = drained;
        this.closed = closed;
    }

    public Sse sse() {
        return sse;
    }

    /** Queues a message; false when the client is gone or was cut off by it. */
    public boolean send(OutboundSseEvent event) {
        synchronized (this) {
            if (isClosed || closing) {
                return false;
            }
            if (queue.size() >= limit) {
                cutOffLocked("the client read too slowly: " + limit + " messages were waiting for it"
                        + " (pgevents.subscription.buffer-events)");
                return false;
            }
            queue.add(event);
            startWritingLocked();
        }
        return true;
    }

    /** Messages the buffer takes before the client is cut off. */
    public synchronized int room() {
        return isClosed || closing ? 0 : limit - queue.size();
    }

    public synchronized boolean isOpen() {
        return !isClosed && !closing;
    }

    /** A comment to an idle client, so a closed connection is noticed and proxies keep it open. */
    void heartbeat() {
        synchronized (this) {
            if (isClosed || closing || writing) {
                return;
            }
            queue.add(sse.newEventBuilder().comment("heartbeat").build());
            startWritingLocked();
        }
    }

    /** Ends the stream with an {@code event: cut-off} carrying {@code reason}, then closes it. */
    public void cutOff(String reason) {
        synchronized (this) {
            cutOffLocked(reason);
        }
    }

    private void cutOffLocked(String reason) {
        if (isClosed || closing) {
            return;
        }
        LOG.log(Level.INFO, "an SSE client is cut off: {0}", reason);
        queue.clear();
        queue.add(sse.newEventBuilder().name(CUT_OFF)
                .data(jakarta.json.Json.createObjectBuilder().add("message", reason).build().toString()).build());
        closing = true;
        startWritingLocked();
        timer.schedule(this::close, grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes the connection now (server shutdown, grace period over). */
    public void close() {
        synchronized (this) {
            if (isClosed) {
                return;
            }
            isClosed = true;
            queue.clear();
        }
        try {
            sink.close();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "closing an SSE sink failed", e);
        }
        closed.accept(this);
    }

    private synchronized boolean closing() {
        return closing && !isClosed;
    }

    private void startWritingLocked() {
        if (!writing) {
            writing = true;
            writers.execute(this::drain);
        }
    }

    /** Writes until the buffer is empty or a write is still in progress (then its completion continues). */
    private void drain() {
        while (true) {
            OutboundSseEvent next;
            boolean empty;
            synchronized (this) {
                next = isClosed ? null : queue.poll();
                if (next == null) {
                    writing = false;
                }
                empty = queue.isEmpty();
            }
            if (next == null) {
                if (closing()) {
                    close();
                }
                return;
            }
            if (empty) {
                drained.run();
            }
            CompletableFuture<?> written;
            try {
                written = sink.send(next).toCompletableFuture();
            } catch (RuntimeException e) {
                close(); // the client is gone
                return;
            }
            if (!written.isDone()) {
                written.whenComplete((ok, error) -> {
                    if (error != null) {
                        close();
                    } else {
                        writers.execute(this::drain);
                    }
                });
                return;
            }
            if (written.isCompletedExceptionally()) {
                close();
                return;
            }
        }
    }
}

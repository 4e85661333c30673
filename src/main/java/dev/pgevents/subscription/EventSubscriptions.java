package dev.pgevents.subscription;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.EventStore;
import dev.pgevents.eventstore.EventsAppended;
import dev.pgevents.eventstore.StoredEvent;
import dev.pgevents.listener.cdi.AppendedElsewhere;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Live subscriptions to the event store over SSE: one {@link SubscriptionEngine} run by one
 * polling thread for every subscriber of this server, woken as the listeners are: by each
 * committed append on this node (the store's {@link EventsAppended}, after commit), by the
 * LISTEN/NOTIFY of other nodes' appends ({@link AppendedElsewhere}), and otherwise every
 * {@code poll-interval}. No database connection is held between rounds:
 * an idle subscriber costs its buffer and a heartbeat.
 */
@ApplicationScoped
public class EventSubscriptions {

    private static final Logger LOG = Logger.getLogger(EventSubscriptions.class.getName());

    @Inject
    EventStore store;

    @Inject
    LiveStreams streams;

    @Resource
    ManagedThreadFactory threads;

    private SubscriptionEngine engine;
    private final BlockingQueue<Boolean> wakeUps = new ArrayBlockingQueue<>(1);
    private volatile boolean running;
    private Thread poller;
    // the message last rendered, reused while one event is fanned out (polling thread only)
    private StoredEvent lastEvent;
    private Function<StoredEvent, String> lastJson;
    private OutboundSseEvent lastMessage;

    @PostConstruct
    void start() {
        engine = new SubscriptionEngine(store, streams.settings().pageSize());
        running = true;
        poller = threads.newThread(this::pollLoop);
        poller.setName("pgevents-subscriptions");
        poller.start();
    }

    @PreDestroy
    void stop() {
        running = false;
        poller.interrupt();
    }

    /**
     * Streams the events matching {@code query} after position {@code after} to the client: each
     * as an SSE message with {@code id:} its position and {@code data:} its JSON by {@code json}.
     */
    public void subscribe(EventQuery query, long after, SseEventSink sink, Sse sse, Function<StoredEvent, String> json) {
        SseOutbox outbox = streams.open(sink, sse, this::wake);
        engine.subscribe(query, after, new OutboxSink(outbox, json));
        wake();
    }

    /** Subscribers of this server now. */
    public int subscribers() {
        return engine.size();
    }

    void committed(@Observes(during = TransactionPhase.AFTER_SUCCESS) EventsAppended appended) {
        wake();
    }

    void appendedElsewhere(@Observes AppendedElsewhere notified) {
        wake();
    }

    private void wake() {
        wakeUps.offer(Boolean.TRUE); // coalesced: one pending wake-up is enough
    }

    private void pollLoop() {
        long failures = 0;
        long interval = streams.settings().pollInterval().toMillis();
        while (running) {
            try {
                boolean more = engine.poll();
                failures = 0;
                if (!more) {
                    wakeUps.poll(interval, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // database outage and the like: the subscribers wait (heartbeats go on); retry at the next interval
                if (failures++ % 60 == 0) {
                    LOG.log(Level.WARNING, "subscriptions: reading the store failed (" + failures + " times), retrying", e);
                }
                try {
                    wakeUps.poll(interval, TimeUnit.MILLISECONDS);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** A subscriber's buffer; an event fanned out to many subscribers is rendered once. */
    private final class OutboxSink implements SubscriptionEngine.Sink {
        private final SseOutbox outbox;
        private final Function<StoredEvent, String> json;

        OutboxSink(SseOutbox outbox, Function<StoredEvent, String> json) {
            this.outbox = outbox;
            this.json = json;
        }

        @Override
        public int room() {
            return outbox.room();
        }

        @Override
        public boolean deliver(StoredEvent event) {
            if (event != lastEvent || json != lastJson) {
                lastMessage = outbox.sse().newEventBuilder().id(Long.toString(event.position())).data(json.apply(event)).build();
                lastEvent = event;
                lastJson = json;
            }
            return outbox.send(lastMessage);
        }

        @Override
        public boolean isOpen() {
            return outbox.isOpen();
        }
    }
}

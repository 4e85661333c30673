package dev.pgevents.subscription;

import dev.pgevents.listener.cdi.ListenerBatchCommitted;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Live read models over SSE (docs/realtime.md): a client of a {@link ReadModelFeed} gets
 * {@code event: snapshot} (the whole list, or one row), then {@code event: upsert} (a changed row)
 * and {@code event: delete} ({@code {"<key>":"..."}}), each with {@code id:} the position of the
 * event that caused it. Fed by the listeners' commits ({@link ListenerBatchCommitted}): after a
 * batch of the feed's listener committed, one thread re-reads the rows changed since the last
 * position pushed and fans them out to the feed's clients. A reconnect gets a fresh snapshot; a
 * reset of the read model ends every stream of the feed (the client reconnects for a new snapshot).
 */
@ApplicationScoped
public class ReadModelFeeds {

    private static final Logger LOG = Logger.getLogger(ReadModelFeeds.class.getName());
    private static final Jsonb JSONB = JsonbBuilder.create();

    @Inject
    LiveStreams streams;

    @Resource
    ManagedThreadFactory threads;

    private final Map<String, Channel<?>> channels = new ConcurrentHashMap<>();
    private final Map<String, Long> checkpoints = new ConcurrentHashMap<>();   // listener id -> last checkpoint reported
    private final Set<String> resets = ConcurrentHashMap.newKeySet();           // checkpoint went back: a reset
    private final LinkedBlockingQueue<String> dirty = new LinkedBlockingQueue<>();
    private volatile boolean running;
    private Thread worker;

    @PostConstruct
    void start() {
        running = true;
        worker = threads.newThread(this::work);
        worker.setName("pgevents-read-model-feeds");
        worker.start();
    }

    @PreDestroy
    void stop() {
        running = false;
        worker.interrupt();
    }

    /** Streams the whole read model: a snapshot of every row, then its changes. */
    public <R> void subscribe(ReadModelFeed<R> feed, SseEventSink sink, Sse sse) {
        channel(feed).add(null, sink, sse);
    }

    /**
     * Streams one row: its snapshot, then its changes. The caller answers 404 before for a key
     * that does not exist.
     */
    public <R> void subscribe(ReadModelFeed<R> feed, String key, SseEventSink sink, Sse sse) {
        channel(feed).add(key, sink, sse);
    }

    void batchCommitted(@Observes ListenerBatchCommitted batch) {
        if (channels.containsKey(batch.listenerId())) {
            Long before = checkpoints.put(batch.listenerId(), batch.position());
            if (before != null && batch.position() < before) {
                resets.add(batch.listenerId());
            }
            if (!dirty.contains(batch.listenerId())) {
                dirty.add(batch.listenerId());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private <R> Channel<R> channel(ReadModelFeed<R> feed) {
        return (Channel<R>) channels.computeIfAbsent(feed.listenerId(), id -> new Channel<>(feed));
    }

    private void work() {
        while (running) {
            String id;
            try {
                id = dirty.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            Channel<?> channel = id == null ? null : channels.get(id);
            if (channel == null) {
                continue;
            }
            try {
                if (resets.remove(id)) {
                    channel.cutOffAll("the read model was reset; reconnect for a fresh snapshot");
                } else {
                    channel.push();
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "read model feed " + id + ": reading the changed rows failed; its clients are"
                        + " cut off and reconnect for a fresh snapshot", e);
                channel.cutOffAll("the server could not read the changes; reconnect for a fresh snapshot");
            }
        }
    }

    /** The clients of one feed; a client's snapshot and the pushes are serialised by the channel's lock. */
    private final class Channel<R> {
        private final ReadModelFeed<R> feed;
        private final List<Client> clients = new ArrayList<>();
        private long pushed = -1;   // every change at or below it was pushed; -1: no client, nothing tracked

        Channel(ReadModelFeed<R> feed) {
            this.feed = feed;
        }

        private record Client(String key, SseOutbox outbox) {
        }

        synchronized void add(String key, SseEventSink sink, Sse sse) {
            if (pushed < 0) {
                pushed = feed.rows().stream().mapToLong(ReadModelFeed.Row::position).max().orElse(0);
            }
            SseOutbox outbox = streams.open(sink, sse, () -> { });
            String data;
            long position;
            if (key == null) {
                List<ReadModelFeed.Row<R>> rows = feed.rows();
                data = JSONB.toJson(rows.stream().map(ReadModelFeed.Row::value).toList());
                position = rows.stream().mapToLong(ReadModelFeed.Row::position).max().orElse(0);
            } else {
                ReadModelFeed.Row<R> row = feed.row(key).orElse(null);
                if (row == null) {  // deleted since the caller checked: the stream says so and ends
                    outbox.send(delete(sse, key, pushed));
                    outbox.cutOff("the row " + key + " does not exist");
                    return;
                }
                data = JSONB.toJson(row.value());
                position = row.position();
            }
            // the snapshot may already hold changes not pushed yet: the client then gets them again as upserts
            outbox.send(sse.newEventBuilder().name("snapshot").id(Long.toString(Math.max(position, 0))).data(data).build());
            clients.add(new Client(key, outbox));
        }

        synchronized void push() {
            clients.removeIf(c -> !c.outbox().isOpen());
            if (clients.isEmpty()) {
                pushed = -1;
                return;
            }
            for (ReadModelFeed.Row<R> row : feed.changedAfter(pushed)) {
                OutboundSseEvent upsert = null;
                OutboundSseEvent delete = null;
                for (Client c : clients) {
                    if (c.key() != null && !c.key().equals(row.key())) {
                        continue;
                    }
                    Sse sse = c.outbox().sse();
                    if (row.value() == null) {
                        delete = delete != null ? delete : delete(sse, row.key(), row.position());
                        c.outbox().send(delete);
                    } else {
                        upsert = upsert != null ? upsert : sse.newEventBuilder().name("upsert")
                                .id(Long.toString(row.position())).data(JSONB.toJson(row.value())).build();
                        c.outbox().send(upsert);
                    }
                }
                pushed = Math.max(pushed, row.position());
            }
        }

        synchronized void cutOffAll(String reason) {
            clients.forEach(c -> c.outbox().cutOff(reason));
            clients.clear();
            pushed = -1;
        }

        private OutboundSseEvent delete(Sse sse, String key, long position) {
            return sse.newEventBuilder().name("delete").id(Long.toString(Math.max(position, 0)))
                    .data(Json.createObjectBuilder().add(feed.keyName(), key).build().toString()).build();
        }
    }
}

package dev.pgevents.subscription.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * A client of an SSE stream of pgevents ({@code /dcb/subscribe}, a read model's
 * {@code /changes}) on {@code java.net.http}: parses the messages, and when the connection ends
 * (network error, server restart, {@code event: cut-off}) reconnects after
 * {@code reconnectDelay} with {@code Last-Event-ID} set to the last {@code id:} received, so an
 * event stream continues exactly after the last event handled. Asynchronous: no thread per
 * stream; the handler is called for one stream at a time, in order.
 *
 * <pre>{@code
 * SubscriptionClient c = new SubscriptionClient(HttpClient.newHttpClient(),
 *         URI.create("http://localhost:9080/dcb/subscribe?query=" + encodedQuery),
 *         Map.of("Authorization", basic), null, Duration.ofSeconds(1), message -> handle(message));
 * c.start();
 * }</pre>
 *
 * An answer other than 200 (bad query, no credentials, API disabled) stops the client: see
 * {@link #failure()}; a 503 is retried like a lost connection.
 */
public final class SubscriptionClient implements AutoCloseable {

    /** Receives the stream's messages and comments. */
    public interface Handler {
        void onMessage(SseMessage message);

        /** A comment line (the server's heartbeats). */
        default void onComment(String comment) {
        }
    }

    /** Why the client stopped: the server's answer to a (re)connect. */
    public record Failure(int status, String body) {
    }

    private final HttpClient http;
    private final URI uri;
    private final Map<String, String> headers;
    private final Duration reconnectDelay;
    private final Handler handler;

    private volatile String lastEventId;
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile Failure failure;
    private volatile int connects;
    private volatile CompletableFuture<?> current;

    /**
     * @param lastEventId where to start (as if reconnecting), or null for what the URI says
     */
    public SubscriptionClient(HttpClient http, URI uri, Map<String, String> headers, String lastEventId,
                              Duration reconnectDelay, Handler handler) {
        this.http = http;
        this.uri = uri;
        this.headers = new LinkedHashMap<>(headers);
        this.lastEventId = lastEventId;
        this.reconnectDelay = reconnectDelay;
        this.handler = handler;
    }

    /** Connects (asynchronously); returns at once. */
    public SubscriptionClient start() {
        connect();
        return this;
    }

    /** The last {@code id:} received: where a reconnect continues. */
    public String lastEventId() {
        return lastEventId;
    }

    /** True while a stream is open (the server answered 200 and has not ended it). */
    public boolean connected() {
        return connected;
    }

    /** Connections opened so far (successful or not). */
    public int connects() {
        return connects;
    }

    /** Non-null once the server refused the stream; the client then stopped. */
    public Failure failure() {
        return failure;
    }

    @Override
    public void close() {
        closed = true;
        CompletableFuture<?> c = current;
        if (c != null) {
            c.cancel(true);
        }
    }

    private void connect() {
        if (closed) {
            return;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        headers.forEach(request::header);
        String last = lastEventId;
        if (last != null) {
            request.header("Last-Event-ID", last);
        }
        connects++;
        Lines lines = new Lines();
        current = http.sendAsync(request.build(), info -> {
            if (info.statusCode() == 200) {
                connected = true;
                return HttpResponse.BodySubscribers.fromLineSubscriber(lines);
            }
            return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofString(java.nio.charset.StandardCharsets.UTF_8),
                    body -> {
                        if (info.statusCode() != 503) {
                            failure = new Failure(info.statusCode(), body);
                        }
                        return null;
                    });
        }).whenComplete((response, error) -> ended());
    }

    private void ended() {
        connected = false;
        if (closed || failure != null) {
            return;
        }
        CompletableFuture.runAsync(this::connect,
                CompletableFuture.delayedExecutor(reconnectDelay.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Parses the lines of one stream into messages (the SSE format: fields, blank line ends a message). */
    private final class Lines implements Flow.Subscriber<String> {
        private String id;
        private String event;
        private StringBuilder data;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (closed) {
                return;
            }
            if (line.isEmpty()) {
                if (data != null) {
                    if (id != null) {
                        lastEventId = id;
                    }
                    handler.onMessage(new SseMessage(id, event == null ? "message" : event, data.toString()));
                }
                id = null;
                event = null;
                data = null;
                return;
            }
            if (line.startsWith(":")) {
                handler.onComment(line.substring(1).strip());
                return;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id" -> id = value;
                case "event" -> event = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> { } // retry and unknown fields: ignored
            }
        }

        @Override
        public void onError(Throwable throwable) {
            // the connection broke: ended() reconnects
        }

        @Override
        public void onComplete() {
        }
    }
}

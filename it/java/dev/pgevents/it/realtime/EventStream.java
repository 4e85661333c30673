package dev.pgevents.it.realtime;

import dev.pgevents.subscription.client.SseMessage;
import dev.pgevents.subscription.client.SubscriptionClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** A test subscriber of /dcb/subscribe: the {@link SubscriptionClient} collecting what it receives. */
final class EventStream implements SubscriptionClient.Handler, AutoCloseable {

    static final String AUTHORIZATION = "Basic " + Base64.getEncoder()
            .encodeToString("eventstore:eventstore".getBytes(StandardCharsets.UTF_8));

    private final List<JsonObject> events = new ArrayList<>();
    private final List<SseMessage> others = new ArrayList<>();
    private volatile int comments;
    final SubscriptionClient client;

    EventStream(HttpClient http, URI root, String query, Long after, String lastEventId) {
        String uri = "dcb/subscribe?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                + (after == null ? "" : "&after=" + after);
        client = new SubscriptionClient(http, root.resolve(uri), Map.of("Authorization", AUTHORIZATION), lastEventId,
                Duration.ofMillis(200), this);
        client.start();
    }

    @Override
    public synchronized void onMessage(SseMessage message) {
        if (!"message".equals(message.event())) {
            others.add(message);
            return;
        }
        JsonObject event;
        try (var reader = Json.createReader(new StringReader(message.data()))) {
            event = reader.readObject();
        }
        if (!message.id().equals(String.valueOf(event.getJsonNumber("position").longValue()))) {
            throw new AssertionError("id " + message.id() + " is not the position of " + event);
        }
        events.add(event);
    }

    @Override
    public void onComment(String comment) {
        comments++;
    }

    synchronized List<Long> positions() {
        return events.stream().map(e -> e.getJsonNumber("position").longValue()).toList();
    }

    synchronized List<JsonObject> events() {
        return List.copyOf(events);
    }

    synchronized List<SseMessage> others() {
        return List.copyOf(others);
    }

    synchronized int size() {
        return events.size();
    }

    int comments() {
        return comments;
    }

    @Override
    public void close() {
        client.close();
    }
}

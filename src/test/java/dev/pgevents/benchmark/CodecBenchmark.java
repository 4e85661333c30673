package dev.pgevents.benchmark;

import dev.pgevents.cart.CartEvent;
import dev.pgevents.cart.CartEventTypes;
import dev.pgevents.eventstore.EventCodec;
import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.JsonbEventSerializer;
import dev.pgevents.eventstore.Metadata;
import dev.pgevents.eventstore.StoredEvent;
import dev.pgevents.eventstore.UnknownTypePolicy;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Decoding one stored event on one thread, in microseconds: a cart item (the events GET cart items
 * folds per request) without metadata, then with the metadata an HTTP command stamps (correlation,
 * causation, trace context), and that metadata alone through JSON-B (how the store read it before
 * it had a format of its own). The difference of the first two is what the store's metadata codec
 * costs an event; the cases alternate within each round, and the last of the rounds is printed.
 *
 * <pre>
 * mvn -B -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.pgevents.benchmark.CodecBenchmark [-Dexec.args="rounds events"]
 * </pre>
 */
public final class CodecBenchmark {

    private CodecBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        EventTypeRegistry registry = new EventTypeRegistry().register(CartEventTypes.FINGERPRINT_ADDED).register(CartEvent.class);
        try (JsonbEventSerializer serializer = new JsonbEventSerializer()) {
            EventCodec codec = new EventCodec(registry, serializer);
            String type = registry.typeName(CartEvent.CartItemAdded.class);
            int version = registry.version(CartEvent.CartItemAdded.class);
            String payload = "{\"cartId\":\"" + UUID.randomUUID() + "\",\"description\":\"a thing\",\"fingerprint\":\"abc\","
                    + "\"image\":\"img.png\",\"itemId\":\"" + UUID.randomUUID() + "\",\"price\":10.5,\"productId\":\""
                    + UUID.randomUUID() + "\"}";
            String metadata = serializer.serialize(Metadata.empty().withCorrelationId(UUID.randomUUID().toString())
                    .withCausationId(UUID.randomUUID().toString())
                    .with("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
            StoredEvent plain = new StoredEvent(1, UUID.randomUUID(), type, version, Set.of("cart:c"), payload, "{}", Instant.now());
            StoredEvent stamped = new StoredEvent(1, UUID.randomUUID(), type, version, Set.of("cart:c"), payload, metadata, Instant.now());
            double[] last = new double[3];
            for (int round = 1; round <= rounds; round++) {
                last[0] = microsPerCall(events, () -> codec.decode(plain, UnknownTypePolicy.FAIL));
                last[1] = microsPerCall(events, () -> codec.decode(stamped, UnknownTypePolicy.FAIL));
                last[2] = microsPerCall(events, () -> serializer.deserialize(metadata, Metadata.class));
            }
            System.out.printf(Locale.ROOT, "decode, us per event (round %d of %d, %,d events each):%n", rounds, rounds, events);
            System.out.printf(Locale.ROOT, "  cart item, no metadata            %6.2f%n", last[0]);
            System.out.printf(Locale.ROOT, "  cart item with stamped metadata   %6.2f   (its metadata: %.2f)%n", last[1], last[1] - last[0]);
            System.out.printf(Locale.ROOT, "  that metadata alone through JSON-B %5.2f%n", last[2]);
        }
    }

    private static double microsPerCall(int calls, Supplier<?> call) {
        Object sink = null;
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            sink = call.get();
        }
        double micros = (System.nanoTime() - start) / 1_000.0 / calls;
        if (sink == null) {
            throw new IllegalStateException("nothing decoded");
        }
        return micros;
    }
}

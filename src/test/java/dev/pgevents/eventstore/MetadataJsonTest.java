package dev.pgevents.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stored form of metadata: what it writes, what it reads, what it refuses. */
class MetadataJsonTest {

    private static final Metadata FULL = Metadata.empty().withCorrelationId("corr-1").withCausationId("cause-1")
            .with("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").with("user", "ada");

    @Test
    void writesTheStoresKeysAndLeavesOutWhatIsAbsent() {
        assertEquals("{\"causationId\":\"cause-1\",\"correlationId\":\"corr-1\",\"values\":{\"a\":\"1\",\"b\":\"2\"}}",
                MetadataJson.write(Metadata.empty().withCorrelationId("corr-1").withCausationId("cause-1").with("b", "2").with("a", "1")));
        assertEquals("{\"correlationId\":\"c\"}", MetadataJson.write(Metadata.empty().withCorrelationId("c")));
        assertEquals(EventCodec.EMPTY_METADATA, MetadataJson.write(Metadata.empty()));
    }

    @Test
    void readsBackWhatItWrites() {
        assertEquals(FULL, MetadataJson.read(MetadataJson.write(FULL)));
        assertEquals(Metadata.empty().with("k", null), MetadataJson.read(MetadataJson.write(Metadata.empty().with("k", null))));
        assertEquals(Metadata.empty(), MetadataJson.read("{}"));
    }

    @Test
    void readsMetadataStoredThroughJsonbByEarlierVersions() throws Exception {
        try (Jsonb jsonb = JsonbBuilder.create()) {
            assertEquals(FULL, MetadataJson.read(jsonb.toJson(FULL)));
            Metadata ids = Metadata.empty().withCorrelationId("c").withCausationId("d");
            assertEquals(ids, MetadataJson.read(jsonb.toJson(ids))); // "values": {}
        }
    }

    @Test
    void ignoresOtherKeysAndReadsNumbersAndBooleansAsText() {
        assertEquals(new Metadata("c", null, Map.of("n", "12.5", "t", "true", "f", "false")), MetadataJson.read(
                "{\"other\":{\"x\":[1,{\"y\":2}]},\"list\":[1,[2]],\"correlationId\":\"c\",\"causationId\":null,"
                        + "\"values\":{\"n\":12.5,\"t\":true,\"f\":false},\"z\":3}"));
        assertEquals(Metadata.empty(), MetadataJson.read("{\"values\":null}"));
    }

    @Test
    void refusesTextThatIsNotMetadata() {
        for (String json : new String[] {"[]", "\"text\"", "12", "", "{\"values\":[1]}", "{\"values\":\"x\"}",
                "{\"correlationId\":{}}", "{\"values\":{\"k\":[1]}}", "{} {}", "{\"correlationId\":", "{\"x\":{",
                "{\"x\":[1", "{\"x\":{\"y\":[{}"}) {
            // a deadline only to fail rather than hang: truncated text once made the parser spin
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(RuntimeException.class, () -> MetadataJson.read(json), json));
        }
    }
}

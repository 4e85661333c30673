package dev.pgevents.dcbapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.StoredEvent;
import dev.pgevents.eventstore.VersionedEvents;
import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The version in /dcb: shown on read beside the type, optional on append, upcast before an application type is checked. */
class VersionedEventsApiTest {

    private final EventTypeRegistry registry = VersionedEvents.registry();

    private static DcbEvent parsed(String eventJson) {
        return DcbJson.appendRequest(new StringReader("{\"events\":[" + eventJson + "]}")).events().get(0);
    }

    @Test
    void aReadShowsTheStoredTypeAndVersion() {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = Json.createGenerator(out)) {
            DcbResource.writeEvent(g, new StoredEvent(7, UUID.fromString("00000000-0000-0000-0000-000000000007"), "SeatBooked",
                    2, Set.of("course:c"), "{\"courseId\":\"c\"}", "{}", null));
        }
        assertTrue(out.toString().startsWith("{\"position\":7,\"type\":\"SeatBooked\",\"version\":2,\"tags\":[\"course:c\"]"),
                out.toString());
    }

    @Test
    void anAppendNamesAVersionOrGetsTheCurrentOneOfAnApplicationTypeElseOne() {
        assertEquals(3, KnownTypes.version(parsed("{\"type\":\"SeatReserved\"}"), registry));
        assertEquals(1, KnownTypes.version(parsed("{\"type\":\"Foreign\"}"), registry));
        assertEquals(2, KnownTypes.version(parsed("{\"type\":\"Foreign\",\"version\":2}"), registry));
        for (String bad : List.of("0", "-1", "1.5", "\"2\"", "2147483648")) {
            DcbBadRequest refused = assertThrows(DcbBadRequest.class, () -> parsed("{\"type\":\"A\",\"version\":" + bad + "}"));
            assertTrue(refused.getMessage().startsWith("events[0].version "), refused.getMessage());
        }
    }

    @Test
    void anOlderVersionOfAnApplicationTypeIsCheckedAfterItsUpcasters() {
        KnownTypes.check(List.of(parsed("{\"type\":\"Priced\",\"version\":1,\"tags\":[\"item:i\"],"
                + "\"data\":\"{\\\"item\\\":\\\"i\\\",\\\"euros\\\":3}\"}")), registry);
        DcbBadRequest missingTag = assertThrows(DcbBadRequest.class, () -> KnownTypes.check(List.of(parsed(
                "{\"type\":\"Priced\",\"version\":1,\"data\":\"{\\\"item\\\":\\\"i\\\",\\\"euros\\\":3}\"}")), registry));
        assertTrue(missingTag.getMessage().startsWith("events[0].tags must include item:i"), missingTag.getMessage());
        DcbBadRequest newer = assertThrows(DcbBadRequest.class, () -> KnownTypes.check(List.of(parsed(
                "{\"type\":\"Priced\",\"version\":3,\"tags\":[\"item:i\"],\"data\":\"{\\\"item\\\":\\\"i\\\",\\\"cents\\\":3}\"}")),
                registry));
        assertEquals("events[0]: version 3 of event type 'Priced' is not one this application reads (it reads versions 1 to 2"
                + " of 'Priced'; a higher version was written by a newer release of the application)", newer.getMessage());
        DcbBadRequest currentShapeAsV1 = assertThrows(DcbBadRequest.class, () -> KnownTypes.check(List.of(parsed(
                "{\"type\":\"Priced\",\"version\":1,\"tags\":[\"item:i\"],\"data\":\"{\\\"item\\\":\\\"i\\\",\\\"cents\\\":3}\"}")),
                registry));
        assertEquals("events[0]: the upcaster from version 1 of 'Priced' failed: a field it reads is missing or of another"
                + " JSON type", currentShapeAsV1.getMessage());
    }
}

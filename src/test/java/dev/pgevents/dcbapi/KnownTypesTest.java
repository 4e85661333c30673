package dev.pgevents.dcbapi;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.Tag;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A /dcb append of an application type must carry what its class accepts, with its tags. */
class KnownTypesTest {

    public record Opened(@Tag("box") String boxId, int size) implements Event {
        public Opened {
            if (boxId == null || boxId.isBlank()) {
                throw new IllegalArgumentException("boxId is required");
            }
        }
    }

    private final EventTypeRegistry registry = EventTypeRegistry.of(Opened.class);

    @Test
    void aWellFormedEventWithItsTagsPasses() {
        KnownTypes.check(List.of(event("Opened", "{\"boxId\":\"b1\",\"size\":2}", false, "box:b1", "extra")), registry);
        KnownTypes.check(List.of(event("Foreign", "not json", true)), registry);
    }

    @Test
    void aBadPayloadOrMissingTagsAreRefusedNamingThePlace() {
        refused("events[0].data is not a valid Opened: boxId must be a string, not a number",
                event("Opened", "{\"boxId\":5,\"size\":2}", false, "box:5"));
        refused("events[0].data is not a valid Opened: boxId is required", event("Opened", "{\"size\":2}", false));
        refused("events[0].data is not a valid Opened: size is required", event("Opened", "{\"boxId\":\"b\"}", false, "box:b"));
        refused("events[0].data must be a JSON object", event("Opened", "[1]", false));
        refused("events[0].data must be a JSON object", event("Opened", "\"text\"", true));
        refused("events[0].tags must include box:b1", event("Opened", "{\"boxId\":\"b1\",\"size\":2}", false, "box:b2"));
    }

    private void refused(String message, DcbEvent e) {
        DcbBadRequest r = assertThrows(DcbBadRequest.class, () -> KnownTypes.check(List.of(e), registry));
        assertTrue(r.getMessage().startsWith(message), r.getMessage());
    }

    private static DcbEvent event(String type, String payload, boolean text, String... tags) {
        return new DcbEvent(UUID.randomUUID(), type, null, List.of(tags), payload, text);
    }
}

package dev.pgevents.dcbapi;

import dev.pgevents.http.StrictJson;
import dev.pgevents.http.JsonRecords;
import dev.pgevents.eventstore.Event;
import dev.pgevents.eventstore.EventTypeRegistry;
import dev.pgevents.eventstore.InvalidInputException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Events of a type the application registered as a Java class are the application's facts: its
 * decisions and read models will trust them. So an append of one must carry what that class's
 * constructor accepts, read strictly ({@link JsonRecords}: JSON-B would read 5 into a String and
 * 1.5 into an int), and the tags the Java side derives from it (a {@code CourseDefined} of course
 * c1 without {@code course:c1} would be invisible to that course's decisions). Checked before the
 * append, after the upcasters when the request names an older version of the type; events of
 * other types pass unchecked.
 */
final class KnownTypes {

    private KnownTypes() {
    }

    /**
     * The version an appended event is stored with: the one the request names, else the current
     * version of an application type (a client that names none sends the current shape), else 1.
     */
    static int version(DcbEvent e, EventTypeRegistry registry) {
        if (e.version() != null) {
            return e.version();
        }
        return registry.classOf(e.type()).map(registry::version).orElse(1);
    }

    static void check(List<DcbEvent> events, EventTypeRegistry registry) {
        for (int i = 0; i < events.size(); i++) {
            DcbEvent e = events.get(i);
            Optional<Class<? extends Event>> type = registry.classOf(e.type());
            if (type.isPresent()) {
                check(e, type.get(), registry, "events[" + i + "]");
            }
        }
    }

    private static void check(DcbEvent e, Class<? extends Event> type, EventTypeRegistry registry, String where) {
        String shape = where + ".data must be a JSON object: " + e.type() + " is an event type of the application";
        if (e.text()) {
            throw new DcbBadRequest(shape);
        }
        JsonValue payload = StrictJson.read(StrictJson.PARSERS.createParser(new StringReader(e.payload())), where + ".data");
        if (!(payload instanceof JsonObject object)) {
            throw new DcbBadRequest(shape);
        }
        int version = version(e, registry);
        if (version != registry.version(type)) {
            try {
                object = registry.upcast(e.type(), version, object);
            } catch (InvalidInputException unreadable) {
                throw new DcbBadRequest(where + ": " + unreadable.getMessage());
            }
        }
        if (!JsonRecords.bindable(type)) {
            return; // the store still checks that the class reads the payload
        }
        Event event;
        try {
            event = JsonRecords.bind(object, type);
        } catch (IllegalArgumentException invalid) {
            throw new DcbBadRequest(where + ".data is not a valid " + e.type() + ": " + invalid.getMessage());
        }
        Set<String> required = registry.tagsOf(event);
        for (String tag : required) {
            if (!e.tags().contains(tag)) {
                throw new DcbBadRequest(where + ".tags must include " + tag + ": every " + e.type()
                        + " carries the tags " + required);
            }
        }
    }
}

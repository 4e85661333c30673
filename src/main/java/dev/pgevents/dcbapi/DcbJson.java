package dev.pgevents.dcbapi;

import dev.pgevents.http.JsonRecords;
import dev.pgevents.http.StrictJson;
import dev.pgevents.eventstore.AppendCondition;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.InvalidInputException;
import dev.pgevents.eventstore.QueryItem;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Parses and validates the JSON of the /dcb API into the store's types. Strict: unknown keys,
 * wrong types and values out of the documented limits are a {@link DcbBadRequest} naming where
 * (for example {@code events[2].tags[0]}); {@code null} for an optional key means "absent".
 */
public final class DcbJson {

    private DcbJson() {
    }

    // ------------------------------------------------------------------------------------ read

    public static ReadRequest readRequest(String query, String options) {
        if (query == null || query.isEmpty()) {
            throw new DcbBadRequest("the query parameter is required, e.g. query={\"items\":[]} for every event");
        }
        EventQuery q = query(parse(query, "query"), "query");
        Long from = null;
        Long limit = null;
        boolean backwards = false;
        if (options != null && !options.isEmpty()) {
            JsonObject o = object(parse(options, "options"), "options", Set.of("from", "limit", "backwards"));
            from = optionalPosition(o, "from", "options.from");
            limit = optionalPosition(o, "limit", "options.limit");
            JsonValue b = o.get("backwards");
            if (b != null && b != JsonValue.NULL) {
                if (b != JsonValue.TRUE && b != JsonValue.FALSE) {
                    throw new DcbBadRequest("options.backwards must be true or false");
                }
                backwards = b == JsonValue.TRUE;
            }
        }
        return new ReadRequest(q, from, limit, backwards);
    }

    /** A query: {@code {"items":[{"types":[...],"tags":[...]}, ...]}}; no items = every event. */
    public static EventQuery query(JsonValue value, String where) {
        JsonObject o = object(value, where, Set.of("items"));
        JsonValue itemsValue = o.get("items");
        if (itemsValue == null || itemsValue == JsonValue.NULL) {
            throw new DcbBadRequest(where + ".items is required (an empty array matches every event)");
        }
        JsonArray items = array(itemsValue, where + ".items");
        if (items.size() > DcbLimits.MAX_QUERY_ITEMS) {
            throw new DcbBadRequest(where + ".items has " + items.size() + " items, the limit is "
                    + DcbLimits.MAX_QUERY_ITEMS);
        }
        if (items.isEmpty()) {
            return EventQuery.all();
        }
        List<QueryItem> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String at = where + ".items[" + i + "]";
            JsonObject item = object(items.get(i), at, Set.of("types", "tags"));
            Set<String> types = strings(item.get("types"), at + ".types", DcbLimits.MAX_TYPES_PER_ITEM, true);
            Set<String> tags = strings(item.get("tags"), at + ".tags", DcbLimits.MAX_TAGS_PER_ITEM, false);
            try {
                out.add(QueryItem.of(types, tags));
            } catch (InvalidInputException e) {
                throw new DcbBadRequest(at + ": " + e.getMessage());
            }
        }
        try {
            return EventQuery.of(out);
        } catch (InvalidInputException e) {
            throw new DcbBadRequest(where + ": " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------- append

    /** The body as UTF-8 (RFC 8259: JSON exchanged between systems is UTF-8). */
    public static AppendRequest appendRequest(InputStream body) {
        return appendRequest(StrictJson.PARSERS.createParser(body, java.nio.charset.StandardCharsets.UTF_8),
                "the request body");
    }

    public static AppendRequest appendRequest(Reader body) {
        return appendRequest(StrictJson.PARSERS.createParser(body), "the request body");
    }

    private static AppendRequest appendRequest(JsonParser parser, String what) {
        JsonValue value = parse(parser, what);
        JsonObject o = object(value, "body", Set.of("events", "condition"));
        JsonValue eventsValue = o.get("events");
        if (eventsValue == null || eventsValue == JsonValue.NULL) {
            throw new DcbBadRequest("body.events is required");
        }
        JsonArray events = array(eventsValue, "body.events");
        if (events.isEmpty()) {
            throw new DcbBadRequest("body.events is empty: nothing to append");
        }
        if (events.size() > DcbLimits.MAX_EVENTS_PER_APPEND) {
            throw new DcbBadRequest("body.events has " + events.size() + " events, the limit is "
                    + DcbLimits.MAX_EVENTS_PER_APPEND);
        }
        List<DcbEvent> out = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            out.add(event(events.get(i), "events[" + i + "]"));
        }
        AppendCondition condition = null;
        JsonValue c = o.get("condition");
        if (c != null && c != JsonValue.NULL) {
            JsonObject co = object(c, "condition", Set.of("failIfEventsMatch", "after"));
            JsonValue q = co.get("failIfEventsMatch");
            if (q == null || q == JsonValue.NULL) {
                throw new DcbBadRequest("condition.failIfEventsMatch is required in a condition");
            }
            EventQuery query = query(q, "condition.failIfEventsMatch");
            Long after = optionalPosition(co, "after", "condition.after");
            condition = new AppendCondition(query, after == null ? 0 : after);
        }
        return new AppendRequest(out, condition);
    }

    static DcbEvent event(JsonValue value, String where) {
        JsonObject e = object(value, where, Set.of("type", "version", "tags", "data", "id"));
        JsonValue typeValue = e.get("type");
        if (typeValue == null || typeValue == JsonValue.NULL) {
            throw new DcbBadRequest(where + ".type is required");
        }
        String type = text(typeValue, where + ".type", DcbLimits.MAX_TYPE_LENGTH);
        Long version = optionalPosition(e, "version", where + ".version");
        if (version != null && (version < 1 || version > Integer.MAX_VALUE)) {
            throw new DcbBadRequest(where + ".version must be an integer from 1 to " + Integer.MAX_VALUE + ": " + version);
        }
        List<String> tags = new ArrayList<>(strings(e.get("tags"), where + ".tags", Integer.MAX_VALUE, false));
        if (tags.size() > DcbLimits.MAX_TAGS_PER_EVENT) {
            throw new DcbBadRequest(where + ".tags has " + tags.size() + " distinct tags, the limit is "
                    + DcbLimits.MAX_TAGS_PER_EVENT);
        }
        JsonValue dataValue = e.get("data");
        String data;
        if (dataValue == null || dataValue == JsonValue.NULL) {
            data = "";
        } else if (dataValue instanceof JsonString s) {
            data = s.getString();
        } else {
            throw new DcbBadRequest(where + ".data must be a string (a JSON document goes in as its text, e.g. "
                    + "\"data\":\"{\\\"a\\\":1}\")");
        }
        UUID id;
        JsonValue idValue = e.get("id");
        if (idValue == null || idValue == JsonValue.NULL) {
            id = UUID.randomUUID();
        } else {
            if (!(idValue instanceof JsonString s)) {
                throw new DcbBadRequest(where + ".id must be a UUID string");
            }
            try {
                id = UUID.fromString(s.getString());
            } catch (IllegalArgumentException ex) {
                throw new DcbBadRequest(where + ".id is not a UUID: " + s.getString());
            }
        }
        DataCodec.Encoded encoded = DataCodec.encode(data, where + ".data");
        return new DcbEvent(id, type, version == null ? null : version.intValue(), List.copyOf(tags), encoded.payload(),
                encoded.text());
    }

    // --------------------------------------------------------------------------------- helpers

    static JsonValue parse(String text, String what) {
        if (text.length() > DcbLimits.MAX_PARAMETER_LENGTH) {
            throw new DcbBadRequest(what + " is " + text.length() + " characters long, the limit is "
                    + DcbLimits.MAX_PARAMETER_LENGTH);
        }
        return parse(StrictJson.PARSERS.createParser(new StringReader(text)), what);
    }

    private static JsonValue parse(JsonParser parser, String what) {
        try {
            return StrictJson.read(parser, what);
        } catch (StrictJson.Invalid e) {
            BodyTooLarge tooLarge = tooLarge(e);
            if (tooLarge != null) {
                throw new DcbBadRequest(413, tooLarge.getMessage());
            }
            throw new DcbBadRequest(e.getMessage());
        }
    }

    private static BodyTooLarge tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyTooLarge b) {
                return b;
            }
        }
        return null;
    }

    static JsonObject object(JsonValue value, String where, Set<String> allowed) {
        if (!(value instanceof JsonObject o)) {
            throw new DcbBadRequest(where + " must be a JSON object, not " + JsonRecords.kind(value));
        }
        for (String key : o.keySet()) {
            if (!allowed.contains(key)) {
                throw new DcbBadRequest(where + " has an unknown key '" + clip(key) + "' (allowed: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
        return o;
    }

    static JsonArray array(JsonValue value, String where) {
        if (!(value instanceof JsonArray a)) {
            throw new DcbBadRequest(where + " must be an array, not " + JsonRecords.kind(value));
        }
        return a;
    }

    /** Distinct strings in order; absent or null = empty. */
    static Set<String> strings(JsonValue value, String where, int max, boolean types) {
        if (value == null || value == JsonValue.NULL) {
            return Set.of();
        }
        JsonArray a = array(value, where);
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(text(a.get(i), where + "[" + i + "]", types ? DcbLimits.MAX_TYPE_LENGTH : DcbLimits.MAX_TAG_LENGTH));
        }
        if (out.size() > max) {
            throw new DcbBadRequest(where + " has " + out.size() + " entries, the limit is " + max);
        }
        return out;
    }

    /** A type or tag: a non-blank string of at most max characters that PostgreSQL can store. */
    static String text(JsonValue value, String where, int max) {
        if (!(value instanceof JsonString s)) {
            throw new DcbBadRequest(where + " must be a string, not " + JsonRecords.kind(value));
        }
        String v = s.getString();
        if (v.isBlank()) {
            throw new DcbBadRequest(where + " is empty");
        }
        if (v.length() > max) {
            throw new DcbBadRequest(where + " is " + v.length() + " characters long, the limit is " + max);
        }
        String problem = StrictJson.unstorable(v);
        if (problem != null) {
            throw new DcbBadRequest(where + " " + problem);
        }
        return v;
    }

    /** A non-negative integer that fits a long; absent or null = null. */
    static Long optionalPosition(JsonObject o, String key, String where) {
        JsonValue v = o.get(key);
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (!(v instanceof JsonNumber n)) {
            throw new DcbBadRequest(where + " must be a non-negative integer, not " + JsonRecords.kind(v));
        }
        BigDecimal b = n.bigDecimalValue();
        if (b.signum() != 0 && b.stripTrailingZeros().scale() > 0) {
            throw new DcbBadRequest(where + " must be an integer: " + clip(n.toString()));
        }
        if (b.signum() < 0) {
            throw new DcbBadRequest(where + " must not be negative: " + clip(n.toString()));
        }
        if (b.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new DcbBadRequest(where + " is too large: " + clip(n.toString()));
        }
        return b.longValueExact();
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /** Thrown by {@link LimitedInputStream} when a body exceeds its limit. */
    public static final class BodyTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        public BodyTooLarge(long limit) {
            super("the request body is larger than " + limit + " bytes, the limit of an append");
        }
    }

    /** An input stream that fails with {@link BodyTooLarge} past its limit. */
    public static final class LimitedInputStream extends java.io.FilterInputStream {
        private final long limit;
        private long count;

        public LimitedInputStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            int n = super.read(buffer, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(long n) throws IOException {
            count += n;
            if (count > limit) {
                throw new BodyTooLarge(limit);
            }
        }
    }
}

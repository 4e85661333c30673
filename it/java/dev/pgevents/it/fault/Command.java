package dev.pgevents.it.fault;

import java.util.Map;
import java.util.TreeMap;

/**
 * One command of the courses API and the one event it appends when it succeeds: its type and its
 * payload fields. The load makes every command unique (ids carry the scenario, the client and a
 * counter), so an event's type and payload identify the command that appended it.
 */
record Command(String method, String path, String body, String eventType, Map<String, String> eventFields) {

    Command {
        eventFields = new TreeMap<>(eventFields);
    }

    /** The identity of the event: type and payload, in a stable order. */
    String eventKey() {
        return eventKey(eventType, eventFields);
    }

    static String eventKey(String type, Map<String, String> fields) {
        return type + new TreeMap<>(fields);
    }

    @Override
    public String toString() {
        return method + " " + path + (body == null ? "" : " " + body);
    }
}

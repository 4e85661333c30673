package dev.pgevents.it.fault;

/**
 * What a client saw for one command: the HTTP status (0: no answer, the connection failed), the
 * Event-Position of a success, whether an error was a clean problem+json, and when it was seen.
 */
record Outcome(Command command, int status, long eventPosition, boolean problemJson, String detail, long atNanos) {

    static final int NO_ANSWER = 0;

    /** A 2xx with its Event-Position: the server promised that the command's event is stored. */
    boolean acknowledged() {
        return status / 100 == 2 && eventPosition > 0;
    }

    boolean serverError() {
        return status / 100 == 5;
    }
}

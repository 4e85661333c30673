package dev.pgevents.http;

import java.util.logging.Logger;

/**
 * One WARNING when failures start, then at most one summary per interval with the count of
 * failures since the last line: an outage costs the log a few lines, not a trace per request.
 * A failure after a whole quiet interval starts a new outage.
 */
final class OutageLog {

    private final Logger log;
    private final String what;
    private final long intervalMillis;
    private long lastLine = Long.MIN_VALUE / 2;
    private long lastFailure = Long.MIN_VALUE / 2;
    private long unreported;

    /** {@code what}: the failures' name in the summary lines, e.g. "Database unavailable". */
    OutageLog(Logger log, String what, long intervalMillis) {
        this.log = log;
        this.what = what;
        this.intervalMillis = intervalMillis;
    }

    synchronized void failed(String reason) {
        long now = System.currentTimeMillis();
        boolean newOutage = now - lastFailure > intervalMillis;
        lastFailure = now;
        unreported++;
        if (newOutage) {
            log.warning(what + ": requests answer 503 until that changes; " + reason);
        } else if (now - lastLine >= intervalMillis) {
            log.warning(what + " (continued): " + unreported + " requests answered 503 in the last "
                    + (now - lastLine) / 1000 + " s; latest: " + reason);
        } else {
            return;
        }
        lastLine = now;
        unreported = 0;
    }
}

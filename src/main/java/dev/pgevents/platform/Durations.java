package dev.pgevents.platform;

import java.time.Duration;
import java.util.Locale;

/** The durations of the framework's settings, as operators write them in MicroProfile Config. */
public final class Durations {

    private Durations() {
    }

    /** Parses 250ms, 5s, 2m, 1h, PT5S, or plain milliseconds. */
    public static Duration parse(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("pt") || v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
            }
            if (v.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1).trim()) * 1000));
            }
            if (v.endsWith("m")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1).trim()) * 60);
            }
            if (v.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1).trim()));
            }
            return Duration.ofMillis(Long.parseLong(v));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use 250ms, 5s, 2m, 1h or PT5S)", e);
        }
    }
}

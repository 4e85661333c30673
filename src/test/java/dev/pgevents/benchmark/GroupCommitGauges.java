package dev.pgevents.benchmark;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The server's group commit gauges (its /metrics, application scope): a reading before and after
 * a phase tells the shared transactions of that phase, their mean size and how much of the phase
 * a batch was running. Zeros when the server has group commit off.
 */
record GroupCommitGauges(long batches, long appends, long busyMillis) {

    static GroupCommitGauges of(String base) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "metrics?scope=application"))
                .timeout(Duration.ofSeconds(30)).build();
        String text = HttpLoad.CLIENT.send(request, HttpResponse.BodyHandlers.ofString()).body();
        return new GroupCommitGauges(gauge(text, "batches"), gauge(text, "appends"), gauge(text, "busy_milliseconds"));
    }

    private static long gauge(String metrics, String name) {
        String prefix = "pgevents_store_group_commit_" + name;
        return metrics.lines().filter(l -> l.startsWith(prefix + "{") || l.startsWith(prefix + " "))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0);
    }

    /** This phase's batches, mean batch size and the share of the phase a batch was running. */
    String since(GroupCommitGauges before, long phaseMillis) {
        long n = batches - before.batches;
        return String.format("group commit: %d batches, %.1f appends per batch, a batch running %.0f%% of the phase",
                n, n == 0 ? 0 : (double) (appends - before.appends) / n, 100.0 * (busyMillis - before.busyMillis) / phaseMillis);
    }
}

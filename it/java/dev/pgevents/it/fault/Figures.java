package dev.pgevents.it.fault;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/** What one scenario measured; {@link #problems()} lists what must be zero. */
record Figures(String scenario, int commands, int acknowledged, int rejected, int answered503, int otherServerErrors,
               int uncleanServerErrors, int noAnswer, int unacknowledgedSuccesses, int lost, int doubled,
               int readModelMismatches, Duration recovery, Duration converged, String note, List<String> examples) {

    static Figures of(String scenario, List<Outcome> outcomes, StoreAudit.CommandCheck check, int mismatches,
                      Duration recovery, Duration converged, String note) {
        Predicate<Outcome> otherServerError = o -> o.serverError() && o.status() != 503;
        Predicate<Outcome> unclean = o -> o.serverError() && !o.problemJson();
        Predicate<Outcome> unacknowledgedSuccess = o -> o.status() / 100 == 2 && !o.acknowledged();
        List<String> examples = outcomes.stream().filter(otherServerError.or(unclean).or(unacknowledgedSuccess)).limit(5)
                .map(o -> o.command() + " -> " + o.status() + " " + abbreviate(o.detail())).toList();
        return new Figures(scenario, outcomes.size(),
                count(outcomes, Outcome::acknowledged),
                count(outcomes, o -> o.status() / 100 == 4),
                count(outcomes, o -> o.status() == 503),
                count(outcomes, otherServerError),
                count(outcomes, unclean),
                count(outcomes, o -> o.status() == Outcome.NO_ANSWER),
                count(outcomes, unacknowledgedSuccess),
                check.lost().size(), check.doubled().size(), mismatches, recovery, converged, note, examples);
    }

    /** Everything that must not happen, with examples; empty when the scenario passed. */
    List<String> problems() {
        List<String> problems = new java.util.ArrayList<>();
        if (lost > 0) {
            problems.add(lost + " acknowledged commands lost");
        }
        if (doubled > 0) {
            problems.add(doubled + " events stored more than once");
        }
        if (readModelMismatches > 0) {
            problems.add(readModelMismatches + " read-model rows differ from the fold of the events");
        }
        if (otherServerErrors > 0) {
            problems.add(otherServerErrors + " answers 5xx other than 503");
        }
        if (uncleanServerErrors > 0) {
            problems.add(uncleanServerErrors + " answers 5xx without a problem+json body");
        }
        if (unacknowledgedSuccesses > 0) {
            problems.add(unacknowledgedSuccesses + " answers 2xx without Event-Position");
        }
        if (!problems.isEmpty() && !examples.isEmpty()) {
            problems.add("e.g. " + String.join("; ", examples));
        }
        return problems;
    }

    String line() {
        return String.format(Locale.ROOT, "FAULT %-34s commands %6d, acknowledged %6d, 4xx %5d, 503 %5d, other 5xx %d, "
                        + "unclean 5xx %d, no answer %4d, lost %d, doubled %d, read-model mismatches %d, "
                        + "recovery %s, read models converged %s%s",
                scenario, commands, acknowledged, rejected, answered503, otherServerErrors, uncleanServerErrors, noAnswer,
                lost, doubled, readModelMismatches, seconds(recovery), seconds(converged), note.isEmpty() ? "" : " (" + note + ")");
    }

    static String seconds(Duration d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static int count(List<Outcome> outcomes, Predicate<Outcome> p) {
        return (int) outcomes.stream().filter(p).count();
    }

    private static String abbreviate(String s) {
        String oneLine = s.replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}

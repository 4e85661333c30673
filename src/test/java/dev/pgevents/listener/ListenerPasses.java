package dev.pgevents.listener;

/** Drives an engine by hand in tests and benchmarks (the application's runtime drives it by timers). */
public final class ListenerPasses {

    private ListenerPasses() {
    }

    /** Runs passes until the listener is caught up (or cannot go on); returns the events handled. */
    public static int runUntilCaughtUp(ListenerEngine engine, String id) {
        int total = 0;
        while (true) {
            PassResult p = engine.runPass(id);
            total += p.handled();
            if (p.kind() != PassResult.Kind.MORE) {
                return total;
            }
        }
    }
}

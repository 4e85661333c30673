package dev.pgevents.listener;

/** How a failure is stored (in the checkpoint row and dead letters) and reported. */
final class ErrorText {

    private static final int MAX_LENGTH = 4000;

    private ErrorText() {
    }

    /** The exception chain, one line per cause, without stack frames (the log has those). */
    static String describe(Throwable e) {
        StringBuilder b = new StringBuilder();
        Throwable t = e;
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HandlerFailed) {
                continue;
            }
            if (b.length() > 0) {
                b.append("\ncaused by: ");
            }
            b.append(t.getClass().getName());
            if (t.getMessage() != null) {
                b.append(": ").append(t.getMessage());
            }
        }
        String s = b.toString();
        return s.length() > MAX_LENGTH ? s.substring(0, MAX_LENGTH) : s;
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl).trim();
    }
}

package dev.pgevents.processor;

/** How a failure is stored in a task's {@code last_error}: the exception chain without stack frames. */
final class TaskErrors {

    private static final int MAX_LENGTH = 4000;

    private TaskErrors() {
    }

    /** One line per cause: class and message (the server log has the stack frames). */
    static String describe(Throwable e) {
        StringBuilder b = new StringBuilder();
        Throwable t = e;
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause() == t ? null : t.getCause()) {
            if (b.length() > 0) {
                b.append("\ncaused by: ");
            }
            b.append(t.getClass().getName());
            if (t.getMessage() != null) {
                b.append(": ").append(t.getMessage());
            }
        }
        return truncate(b.toString());
    }

    static String truncate(String s) {
        return s.length() > MAX_LENGTH ? s.substring(0, MAX_LENGTH) : s;
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

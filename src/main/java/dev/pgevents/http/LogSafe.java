package dev.pgevents.http;

/** Client-influenced text made safe for a log line: control characters cannot start forged lines. */
public final class LogSafe {

    private LogSafe() {
    }

    /** {@code value} with CR, LF and other control characters escaped ({@code \n}, {@code \u0085}...). */
    public static String text(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            if (control && out == null) {
                out = new StringBuilder(value.length() + 8).append(value, 0, i);
            }
            if (out != null) {
                if (c == '\n') {
                    out.append("\\n");
                } else if (c == '\r') {
                    out.append("\\r");
                } else if (control) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? value : out.toString();
    }
}

package dev.pgevents.cdc;

/**
 * A PostgreSQL log sequence number (a byte position in the write-ahead log) as a number, the form
 * the API answers with ({@code Change-Position}); also read in PostgreSQL's text form {@code X/Y}.
 */
public final class Lsn {

    private Lsn() {
    }

    /** The number, from its decimal form or PostgreSQL's {@code X/Y} (two hexadecimal halves). */
    public static long parse(String text) {
        if (text != null) {
            if (text.matches("[0-9]{1,19}")) {
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException e) {
                    // above Long.MAX_VALUE: refused below
                }
            } else if (text.matches("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")) {
                int slash = text.indexOf('/');
                long high = Long.parseLong(text.substring(0, slash), 16);
                long low = Long.parseLong(text.substring(slash + 1), 16);
                if (high <= 0x7FFFFFFFL) {
                    return (high << 32) | low;
                }
            }
        }
        throw new IllegalArgumentException("a change position is a whole number from 0 to " + Long.MAX_VALUE
                + " or PostgreSQL's X/Y form");
    }

    /** PostgreSQL's text form, e.g. {@code 0/16B3748}. */
    public static String text(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }
}

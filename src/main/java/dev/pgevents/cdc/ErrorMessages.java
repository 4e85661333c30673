package dev.pgevents.cdc;

import java.sql.SQLException;

/** An error as operators read it: the database's message (with its SQLSTATE), else the exception's, never a stack trace. */
final class ErrorMessages {

    private static final int MAX = 2000;

    private ErrorMessages() {
    }

    static String of(Throwable e) {
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof SQLException sql && sql.getSQLState() != null) {
            text = text + " (SQLSTATE " + sql.getSQLState() + ")";
        }
        return text.length() > MAX ? text.substring(0, MAX) + "..." : text;
    }
}

package dev.pgevents.it.listener.support;

import java.lang.reflect.Method;
import java.sql.Array;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** LISTEN on a container connection in a test (the driver's classes via its own class loader). */
public final class PgListen implements AutoCloseable {

    private final Connection connection;
    private final Object pg;
    private final Method getNotifications;
    private final Method getParameter;

    public PgListen(Connection connection, String channel) throws Exception {
        this.connection = connection;
        Array probe = connection.createArrayOf("int4", new Object[0]);
        ClassLoader loader = probe.getClass().getClassLoader();
        probe.free();
        Class<?> pgConnection = Class.forName("org.postgresql.PGConnection", true, loader);
        pg = connection.unwrap(pgConnection);
        getNotifications = pgConnection.getMethod("getNotifications", int.class);
        getParameter = Class.forName("org.postgresql.PGNotification", true, loader).getMethod("getParameter");
        try (Statement s = connection.createStatement()) {
            s.execute("LISTEN " + channel);
        }
    }

    /** Payloads received within the timeout. */
    public List<String> payloads(int timeoutMillis) throws Exception {
        Object[] notes = (Object[]) getNotifications.invoke(pg, timeoutMillis);
        List<String> out = new ArrayList<>();
        if (notes != null) {
            for (Object n : notes) {
                out.add((String) getParameter.invoke(n));
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}

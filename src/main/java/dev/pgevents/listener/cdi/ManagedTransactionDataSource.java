package dev.pgevents.listener.cdi;

import jakarta.transaction.TransactionSynchronizationRegistry;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The JTA data source as the listener engine's store sees it: inside a JTA transaction a
 * connection reports {@code autoCommit = false} and ignores autocommit changes, so the store joins
 * the transaction instead of managing a local one. (Liberty's handles report autocommit = true in
 * a global transaction before the first statement, and refuse setAutoCommit after it: DSRA9350E.)
 */
final class ManagedTransactionDataSource implements DataSource {

    private final DataSource target;
    private final TransactionSynchronizationRegistry transactions;

    ManagedTransactionDataSource(DataSource target, TransactionSynchronizationRegistry transactions) {
        this.target = target;
        this.transactions = transactions;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection c = target.getConnection();
        if (transactions.getTransactionKey() == null) {
            return c;
        }
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getAutoCommit" -> {
                            return false;
                        }
                        case "setAutoCommit", "commit", "rollback" -> {
                            if (args == null || args.length == 0 || !(args[0] instanceof java.sql.Savepoint)) {
                                return null; // the container commits or rolls back
                            }
                        }
                        default -> {
                        }
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return target.isWrapperFor(iface);
    }
}

package dev.pgevents.testsupport;

import dev.pgevents.transaction.Transactions;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.Callable;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * JTA stand-in for tests outside a container. {@link #inNewTransaction} takes one connection
 * from the underlying data source, turns autocommit off and binds it to the thread;
 * {@link #dataSource()} then hands out non-closing handles to that connection (as JTA hands out
 * handles to the one enlisted connection), and plain connections when no transaction is bound.
 * The work commits when it returns and rolls back when it throws. Handles refuse
 * commit/rollback/setAutoCommit, as a container's do inside a global transaction.
 */
public final class TestTransactions implements Transactions {

    private final DataSource underlying;
    private final ThreadLocal<Connection> bound = new ThreadLocal<>();
    private final DataSource dataSource = new BoundDataSource();

    public TestTransactions(DataSource underlying) {
        this.underlying = underlying;
    }

    /** The data source to give the store: transaction-aware. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** True while this thread runs inside {@link #inNewTransaction}. */
    @Override
    public boolean active() {
        return bound.get() != null;
    }

    @Override
    public <T> T inNewTransaction(Callable<T> work) {
        Connection previous = bound.get();
        try (Connection c = underlying.getConnection()) {
            c.setAutoCommit(false);
            bound.set(c);
            boolean committed = false;
            try {
                T result = work.call();
                c.commit();
                committed = true;
                return result;
            } catch (RuntimeException e) {
                throw e;
            } catch (SQLException e) {
                throw new IllegalStateException("transaction failed: " + e.getMessage(), e);
            } catch (Exception e) {
                throw new TransactionWorkException(e);
            } finally {
                bound.set(previous);
                if (!committed) {
                    try {
                        c.rollback();
                    } catch (SQLException ignored) {
                        // the original exception matters
                    }
                }
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("transaction connection failed: " + e.getMessage(), e);
        }
    }

    /** Runs the work in a new transaction. */
    public void run(Runnable work) {
        inNewTransaction(() -> {
            work.run();
            return null;
        });
    }

    /** A data source handing out non-closing handles to one connection (which the caller owns). */
    public static DataSource singleConnection(Connection connection) {
        return new DataSourceBase() {
            @Override
            public Connection getConnection() {
                return nonClosing(connection, false);
            }
        };
    }

    static Connection nonClosing(Connection physical, boolean managed) {
        boolean[] closed = {false};
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close" -> {
                            closed[0] = true;
                            return null;
                        }
                        case "isClosed" -> {
                            return closed[0] || physical.isClosed();
                        }
                        case "commit", "rollback", "setAutoCommit" -> {
                            if (managed) {
                                throw new SQLException(method.getName()
                                        + " is not allowed on a connection of a managed transaction");
                            }
                        }
                        default -> {
                        }
                    }
                    if (closed[0]) {
                        throw new SQLException("connection handle is closed");
                    }
                    try {
                        return method.invoke(physical, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private final class BoundDataSource extends DataSourceBase {
        @Override
        public Connection getConnection() throws SQLException {
            Connection c = bound.get();
            return c != null ? nonClosing(c, true) : underlying.getConnection();
        }
    }
}

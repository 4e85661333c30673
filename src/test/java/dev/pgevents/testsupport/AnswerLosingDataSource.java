package dev.pgevents.testsupport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * A data source whose first {@code execute} of a prepared statement whose SQL matches runs on the
 * server (and commits, in autocommit), and then loses its answer: the connection closes and the
 * call fails with SQLSTATE 08006, as when the network drops while the answer is on its way.
 */
public final class AnswerLosingDataSource {

    private AnswerLosingDataSource() {
    }

    public static DataSource losingOnce(DataSource target, Predicate<String> sql) {
        AtomicBoolean lose = new AtomicBoolean(true);
        return proxy(DataSource.class, (proxy, method, args) -> {
            Object result = invoke(method, target, args);
            if (!method.getName().equals("getConnection")) {
                return result;
            }
            Connection real = (Connection) result;
            return proxy(Connection.class, (p, m, a) -> {
                Object made = invoke(m, real, a);
                if (!m.getName().equals("prepareStatement") || !sql.test((String) a[0])) {
                    return made;
                }
                PreparedStatement statement = (PreparedStatement) made;
                return proxy(PreparedStatement.class, (sp, sm, sa) -> {
                    Object answer = invoke(sm, statement, sa);
                    if (sm.getName().equals("execute") && lose.compareAndSet(true, false)) {
                        real.close();
                        throw new SQLException("connection lost while reading the answer", "08006");
                    }
                    return answer;
                });
            });
        });
    }

    private static <T> T proxy(Class<T> type, java.lang.reflect.InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(AnswerLosingDataSource.class.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}

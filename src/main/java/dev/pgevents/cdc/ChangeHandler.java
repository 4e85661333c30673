package dev.pgevents.cdc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What an operator does for one change and one target key, on the connection of the operator's
 * transaction (which also records the operator's applied LSN: do not commit or roll back).
 */
@FunctionalInterface
public interface ChangeHandler {

    void apply(Connection connection, ChangeEvent change, Object key) throws SQLException;
}

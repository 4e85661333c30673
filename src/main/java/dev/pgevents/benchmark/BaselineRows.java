package dev.pgevents.benchmark;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.sql.DataSource;

/** The baselines' SQL: one statement each, plain JDBC on the application's JTA data source. */
@ApplicationScoped
class BaselineRows {

    @Resource(lookup = "jdbc/pgevents")
    DataSource dataSource;

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource nonTransactional;

    private volatile boolean tableReady;

    /** In a container transaction, as a command's append is. */
    @Transactional
    void insert(BaselineResource.Row row) throws SQLException {
        try (Connection c = connection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO benchmark_row (id, payload) VALUES (?, ?)")) {
            insert.setString(1, row.id());
            insert.setString(2, row.payload());
            insert.executeUpdate();
        }
    }

    Optional<BaselineResource.Row> find(String id) throws SQLException {
        try (Connection c = connection();
             PreparedStatement select = c.prepareStatement("SELECT id, payload FROM benchmark_row WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(new BaselineResource.Row(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    private Connection connection() throws SQLException {
        if (!tableReady) {
            createTable();
        }
        return dataSource.getConnection();
    }

    // Created on first use, not by a migration: the table exists only where the baselines are enabled.
    private synchronized void createTable() throws SQLException {
        if (!tableReady) {
            try (Connection c = nonTransactional.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS benchmark_row (id text PRIMARY KEY, payload text)");
            }
            tableReady = true;
        }
    }
}

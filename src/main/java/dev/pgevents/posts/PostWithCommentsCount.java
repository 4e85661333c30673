package dev.pgevents.posts;

import dev.pgevents.cdc.ChangeOperator;
import dev.pgevents.cdc.OperatorDefinition;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The seed's operator: {@code post_with_comments_count} kept from every change of {@code post} and
 * {@code comment} (the key is {@code post.id}, {@code comment.post_id}); deleting a post deletes
 * its row. The statement recomputes the row from the source tables, so applying it again changes
 * nothing. INSERT ... ON CONFLICT rather than the seed's MERGE: the embedded PostgreSQL of the run
 * command and the tests is version 14, and MERGE came with 15.
 */
@ApplicationScoped
public class PostWithCommentsCount implements ChangeOperator {

    public static final String NAME = "post-with-comments-count";

    static final OperatorDefinition DEFINITION = OperatorDefinition.named(NAME)
            .target("post_with_comments_count", "id")
            .key("post", "id").key("comment", "post_id")
            .deleteWith("post")
            .sql("""
                    INSERT INTO post_with_comments_count (id, title, body, comments_count)
                    SELECT p.id, p.title, p.body, (SELECT count(*) FROM comment c WHERE c.post_id = p.id)
                    FROM post p WHERE p.id = ?
                    ON CONFLICT (id) DO UPDATE
                    SET title = excluded.title, body = excluded.body, comments_count = excluded.comments_count""");

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource dataSource;

    /** A row of the derived table. */
    @JsonbPropertyOrder({"id", "title", "body", "commentsCount"})
    public record Summary(long id, String title, String body, int commentsCount) {
    }

    @Override
    public OperatorDefinition definition() {
        return DEFINITION;
    }

    public List<Summary> all() throws SQLException {
        return query("SELECT id, title, body, comments_count FROM post_with_comments_count ORDER BY id", -1);
    }

    public Optional<Summary> find(long id) throws SQLException {
        return query("SELECT id, title, body, comments_count FROM post_with_comments_count WHERE id = ?", id).stream().findFirst();
    }

    private List<Summary> query(String sql, long id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            if (id >= 0) {
                s.setLong(1, id);
            }
            try (ResultSet rs = s.executeQuery()) {
                List<Summary> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(new Summary(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4)));
                }
                return rows;
            }
        }
    }
}

package dev.pgevents.posts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pgevents.cdc.CdcFixture;
import dev.pgevents.platform.SchemaMigrations;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Given posts and comments written with plain SQL (any writer counts), when the CDC reader runs
 * the post-with-comments-count operator, then its table equals a recomputation from the sources.
 */
class PostWithCommentsCountTest {

    private static final String RECOMPUTED = "SELECT p.id, p.title, p.body, (SELECT count(*) FROM comment c WHERE c.post_id = p.id)"
            + " FROM post p ORDER BY p.id";
    private static final String DERIVED = "SELECT * FROM post_with_comments_count ORDER BY id";

    private CdcFixture db;

    @BeforeEach
    void schema() {
        db = new CdcFixture("cdc_posts");
        SchemaMigrations.application(db.dataSource(), getClass().getClassLoader(), List.of("classpath:db/posts")).migrate();
        db.start(CdcFixture.FAST, PostWithCommentsCount.DEFINITION);
    }

    @AfterEach
    void stop() {
        db.close();
    }

    @Test
    void commentsAddedAndRemovedAreCounted() {
        db.sql("INSERT INTO post (id, title, body) VALUES (1, 'Hello', 'World')");
        db.transaction("INSERT INTO comment (post_id, body) VALUES (1, 'first'), (1, 'second')");
        db.sql("DELETE FROM comment WHERE body = 'first'");
        db.sql("UPDATE post SET title = 'Hello again' WHERE id = 1");
        db.awaitCaughtUp(PostWithCommentsCount.NAME, "pgevents_cdc");

        assertEquals(List.of("1|Hello again|World|1"), db.rows(DERIVED));
        assertEquals(db.rows(RECOMPUTED), db.rows(DERIVED));
    }

    @Test
    void deletingAPostDeletesItsRowAndItsComments() {
        db.sql("INSERT INTO post (id, title, body) VALUES (1, 'one', 'a'), (2, 'two', 'b')",
                "INSERT INTO comment (post_id, body) VALUES (1, 'x'), (2, 'y')");
        db.sql("DELETE FROM post WHERE id = 1");
        db.awaitCaughtUp(PostWithCommentsCount.NAME, "pgevents_cdc");

        assertEquals(List.of("2|two|b|1"), db.rows(DERIVED));
        assertEquals(db.rows(RECOMPUTED), db.rows(DERIVED));
    }
}

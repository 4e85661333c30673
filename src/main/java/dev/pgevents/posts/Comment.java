package dev.pgevents.posts;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A comment of a post (deleted with its post by the database: ON DELETE CASCADE). */
@Entity
@Table(name = "comment")
public class Comment {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;

    @Column(name = "post_id", nullable = false)
    long postId;

    @Column(nullable = false)
    String body;

    protected Comment() {
    }

    Comment(long postId, String body) {
        this.postId = postId;
        this.body = body;
    }

    /** The JSON answer of a created comment. */
    @JsonbPropertyOrder({"id", "postId", "body"})
    public record Created(long id, long postId, String body) {
    }

    Created created() {
        return new Created(id, postId, body);
    }
}

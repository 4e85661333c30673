package dev.pgevents.posts;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A post: a plain table (not event-sourced) that any client may write; the CDC operator watches it. */
@Entity
@Table(name = "post")
public class Post {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;

    @Column(nullable = false)
    String title;

    @Column(nullable = false)
    String body;

    protected Post() {
    }

    Post(String title, String body) {
        this.title = title;
        this.body = body;
    }

    /** The JSON answer of a created post. */
    @JsonbPropertyOrder({"id", "title", "body"})
    public record Created(long id, String title, String body) {
    }

    Created created() {
        return new Created(id, title, body);
    }
}

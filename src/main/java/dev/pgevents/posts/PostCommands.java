package dev.pgevents.posts;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.NotFoundException;

/**
 * The writes of the posts API, each in its own JTA transaction (committed before the API reads the
 * {@code Change-Position}): plain JPA on the post and comment tables. The summaries follow through
 * CDC, whoever writes these tables.
 */
@ApplicationScoped
public class PostCommands {

    @PersistenceContext(unitName = "pgevents")
    EntityManager em;

    @Transactional
    public Post.Created create(String title, String body) {
        Post post = new Post(title, body);
        em.persist(post);
        em.flush();
        return post.created();
    }

    @Transactional
    public void update(long id, String title, String body) {
        Post post = post(id);
        post.title = title;
        post.body = body;
    }

    /** Deletes the post; the database deletes its comments (ON DELETE CASCADE). */
    @Transactional
    public void delete(long id) {
        em.remove(post(id));
    }

    @Transactional
    public Comment.Created comment(long postId, String body) {
        post(postId);
        Comment comment = new Comment(postId, body);
        em.persist(comment);
        em.flush();
        return comment.created();
    }

    @Transactional
    public void deleteComment(long id) {
        Comment comment = id < 1 ? null : em.find(Comment.class, id);
        if (comment == null) {
            throw new NotFoundException("comment " + id + " does not exist");
        }
        em.remove(comment);
    }

    private Post post(long id) {
        Post post = id < 1 ? null : em.find(Post.class, id);
        if (post == null) {
            throw new NotFoundException("post " + id + " does not exist");
        }
        return post;
    }
}

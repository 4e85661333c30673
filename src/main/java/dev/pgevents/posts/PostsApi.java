package dev.pgevents.posts;

import dev.pgevents.cdc.ChangePositions;
import dev.pgevents.cdc.Lsn;
import dev.pgevents.cdc.cdi.CdcReadYourWrites;
import dev.pgevents.http.BadRequestException;
import dev.pgevents.http.OpenApi;
import dev.pgevents.http.Problem;
import dev.pgevents.http.StrictJson;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The posts example over HTTP (docs/cdc.md): writes to the post and comment tables answer with
 * {@code Change-Position}, the WAL position after their commit; the summaries come from
 * {@code post_with_comments_count}, kept by the CDC operator, and with {@code ?minPosition=} wait
 * until the operator has handled that position (503 after the read models' timeout).
 */
@Path("api")
@ApplicationScoped
@Tag(name = "posts", description = "Change data capture example (seed 003): posts and comments; summaries kept by an operator from the WAL; writes answer Change-Position, summaries accept ?minPosition=")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
public class PostsApi {

    public static final String CHANGE_POSITION = "Change-Position";

    @Inject
    PostCommands commands;

    @Inject
    PostWithCommentsCount summaries;

    @Inject
    CdcReadYourWrites readYourWrites;

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource dataSource;

    @POST
    @Path("posts")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@HeaderParam(HttpHeaders.CONTENT_TYPE) MediaType type, InputStream body) throws SQLException {
        JsonObject json = StrictJson.requestObject(type, body);
        Post.Created post = commands.create(PostFields.text(json, "title", PostFields.MAX_TITLE),
                PostFields.text(json, "body", PostFields.MAX_BODY));
        return Response.created(URI.create("/api/posts/" + post.id())).entity(post).header(CHANGE_POSITION, position()).build();
    }

    @PUT
    @Path("posts/{id}")
    @Extension(name = OpenApi.ERRORS, value = "404")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("id") String id, @HeaderParam(HttpHeaders.CONTENT_TYPE) MediaType type, InputStream body)
            throws SQLException {
        JsonObject json = StrictJson.requestObject(type, body);
        commands.update(PostFields.id(id), PostFields.text(json, "title", PostFields.MAX_TITLE),
                PostFields.text(json, "body", PostFields.MAX_BODY));
        return noContent();
    }

    @DELETE
    @Path("posts/{id}")
    @Extension(name = OpenApi.ERRORS, value = "404")
    public Response delete(@PathParam("id") String id) throws SQLException {
        commands.delete(PostFields.id(id));
        return noContent();
    }

    @POST
    @Path("posts/{id}/comments")
    @Extension(name = OpenApi.ERRORS, value = "404")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response comment(@PathParam("id") String id, @HeaderParam(HttpHeaders.CONTENT_TYPE) MediaType type, InputStream body)
            throws SQLException {
        JsonObject json = StrictJson.requestObject(type, body);
        long postId = PostFields.id(id);
        Comment.Created comment = commands.comment(postId, PostFields.text(json, "body", PostFields.MAX_BODY));
        return Response.created(URI.create("/api/comments/" + comment.id())).entity(comment)
                .header(CHANGE_POSITION, position()).build();
    }

    @DELETE
    @Path("comments/{id}")
    @Extension(name = OpenApi.ERRORS, value = "404")
    public Response deleteComment(@PathParam("id") String id) throws SQLException {
        commands.deleteComment(PostFields.id(id));
        return noContent();
    }

    @GET
    @Path("post-summaries")
    public List<PostWithCommentsCount.Summary> summaries(@QueryParam("minPosition") String minPosition) throws SQLException {
        awaitOperator(minPosition);
        return summaries.all();
    }

    @GET
    @Path("post-summaries/{id}")
    @Extension(name = OpenApi.ERRORS, value = "404")
    public PostWithCommentsCount.Summary summary(@PathParam("id") String id, @QueryParam("minPosition") String minPosition)
            throws SQLException {
        awaitOperator(minPosition);
        long postId = PostFields.id(id);
        return (postId < 1 ? java.util.Optional.<PostWithCommentsCount.Summary>empty() : summaries.find(postId))
                .orElseThrow(() -> new NotFoundException("post " + id + " has no summary"));
    }

    private void awaitOperator(String minPosition) {
        if (minPosition != null) {
            long position;
            try {
                position = Lsn.parse(minPosition);
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("minPosition: " + e.getMessage());
            }
            readYourWrites.await(PostWithCommentsCount.NAME, position);
        }
    }

    private Response noContent() throws SQLException {
        return Response.noContent().header(CHANGE_POSITION, position()).build();
    }

    /** Read after the write's commit: at or past the end of its commit record. */
    private long position() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return ChangePositions.current(c);
        }
    }
}

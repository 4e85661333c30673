package dev.pgevents.courses;

import dev.pgevents.subscription.ReadModelFeeds;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import dev.pgevents.http.OpenApi;

/**
 * One course live ({@code GET /api/courses/{id}/changes}): {@code event: snapshot} with the
 * course as {@code GET /api/courses/{id}} returns it, then {@code event: upsert} at each change;
 * 404 for an unknown course.
 */
@Path("api/courses/{courseId}/changes")
@ApplicationScoped
@Tag(name = "live", description = "Live read models over Server-Sent Events")
public class CourseRowChanges {

    @Inject
    CourseChanges catalog;

    @Inject
    ReadModelFeeds feeds;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Extension(name = OpenApi.ERRORS, value = "404")
    public void one(@PathParam("courseId") String courseId, @Context SseEventSink sink, @Context Sse sse) {
        feeds.subscribe(catalog, existing(courseId), sink, sse);
    }

    /** HEAD: the 404 check, no stream (JAX-RS would otherwise run the GET, registering a client nobody reads). */
    @HEAD
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Extension(name = OpenApi.ERRORS, value = "404")
    public Response head(@PathParam("courseId") String courseId) {
        existing(courseId);
        return Response.ok().type(MediaType.SERVER_SENT_EVENTS_TYPE).build();
    }

    private String existing(String courseId) {
        String id = Inputs.id("courseId", courseId);
        if (catalog.row(id).isEmpty()) {
            throw new NotFoundException("course " + id + " does not exist");
        }
        return id;
    }
}

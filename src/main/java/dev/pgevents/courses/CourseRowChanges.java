package dev.pgevents.courses;

import dev.pgevents.subscription.ReadModelFeeds;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/**
 * One course live ({@code GET /api/courses/{id}/changes}): {@code event: snapshot} with the
 * course as {@code GET /api/courses/{id}} returns it, then {@code event: upsert} at each change;
 * 404 for an unknown course.
 */
@Path("api/courses/{courseId}/changes")
@ApplicationScoped
public class CourseRowChanges {

    @Inject
    CourseChanges catalog;

    @Inject
    ReadModelFeeds feeds;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void one(@PathParam("courseId") String courseId, @Context SseEventSink sink, @Context Sse sse) {
        String id = Inputs.id("courseId", courseId);
        if (catalog.row(id).isEmpty()) {
            throw new NotFoundException("course " + id + " does not exist");
        }
        feeds.subscribe(catalog, id, sink, sse);
    }
}

package dev.pgevents.courses;

import dev.pgevents.subscription.ReadModelFeeds;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The course catalogue live ({@code GET /api/courses/changes}, docs/realtime.md): an
 * {@code event: snapshot} with the list as {@code GET /api/courses} returns it, then an
 * {@code event: upsert} with each changed course as {@code GET /api/courses/{id}} returns it,
 * {@code id:} the position of the event that caused it. Public, as the catalogue is.
 */
@Path("api/courses/changes")
@ApplicationScoped
@Tag(name = "live", description = "Live read models over Server-Sent Events")
public class CourseListChanges {

    @Inject
    CourseChanges catalog;

    @Inject
    ReadModelFeeds feeds;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void all(@Context SseEventSink sink, @Context Sse sse) {
        feeds.subscribe(catalog, sink, sse);
    }

    /** HEAD: no stream (JAX-RS would otherwise run the GET, registering a client nobody reads). */
    @HEAD
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Response head() {
        return Response.ok().type(MediaType.SERVER_SENT_EVENTS_TYPE).build();
    }
}

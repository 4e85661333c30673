package dev.pgevents.dcbapi;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.StoredEvent;
import dev.pgevents.http.Problem;
import dev.pgevents.subscription.EventSubscriptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.StringWriter;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import dev.pgevents.http.OpenApi;

/**
 * {@code GET /dcb/subscribe?query=Q&after=N} (docs/realtime.md): the events matching the query
 * after position N (absent: from the start), then the events committed later, as Server-Sent
 * Events: {@code id:} the position, {@code data:} the event as {@code /dcb/read} returns it. A
 * {@code Last-Event-ID} header (a reconnecting client) takes precedence over {@code after}.
 * Access as for every /dcb path ({@link DcbAccessFilter}).
 */
@Path("dcb/subscribe")
@ApplicationScoped
@Tag(name = "dcb", description = "The event store over HTTP (DCB API), when enabled")
@SecurityRequirement(name = OpenApi.BASIC)
public class DcbSubscribeResource {

    /** One mapping instance: the subscriptions render an event once for all its subscribers. */
    private static final Function<StoredEvent, String> JSON = DcbSubscribeResource::json;

    @Inject
    EventSubscriptions subscriptions;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void subscribe(@QueryParam("query") String query, @QueryParam("after") String after,
                          @HeaderParam("Last-Event-ID") String lastEventId, @Context SseEventSink sink, @Context Sse sse) {
        Start start = start(query, after, lastEventId);
        subscriptions.subscribe(start.query(), start.after(), sink, sse, JSON);
    }

    /**
     * HEAD: the checks of a GET, no stream. Explicit, because JAX-RS runs the GET method for a HEAD,
     * which would register a subscriber that nobody reads.
     */
    @HEAD
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Response head(@QueryParam("query") String query, @QueryParam("after") String after,
                         @HeaderParam("Last-Event-ID") String lastEventId) {
        start(query, after, lastEventId);
        return Response.ok().type(MediaType.SERVER_SENT_EVENTS_TYPE).build();
    }

    /** Where a stream starts: the query and the position after which it streams. */
    private record Start(EventQuery query, long after) {
    }

    /** The parsed request; bad input is a problem answer before any stream starts. */
    private static Start start(String query, String after, String lastEventId) {
        try {
            if (query == null || query.isEmpty()) {
                throw new DcbBadRequest("the query parameter is required, e.g. query={\"items\":[]} for every event");
            }
            EventQuery q = DcbJson.query(DcbJson.parse(query, "query"), "query");
            long from = lastEventId != null && !lastEventId.isBlank() ? position(lastEventId, "the Last-Event-ID header")
                    : after == null || after.isEmpty() ? 0 : position(after, "after");
            return new Start(q, from);
        } catch (DcbBadRequest e) {
            throw new WebApplicationException(Problem.of(Response.Status.fromStatusCode(e.status()), e.getMessage()).toResponse());
        }
    }

    private static long position(String text, String what) {
        try {
            long p = Long.parseLong(text.trim());
            if (p >= 0) {
                return p;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new DcbBadRequest(what + " must be a position (a non-negative integer): "
                + (text.length() > 40 ? text.substring(0, 40) + "..." : text));
    }

    /** The event's JSON exactly as /dcb/read writes it. */
    static String json(StoredEvent event) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = Json.createGenerator(out)) {
            DcbResource.writeEvent(g, event);
        }
        return out.toString();
    }
}

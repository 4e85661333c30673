package dev.pgevents.eventstore.http;

import static dev.pgevents.http.ProblemMappers.firstLine;

import dev.pgevents.eventstore.EventStoreAccessException;
import dev.pgevents.http.DatabaseOutage;
import dev.pgevents.http.Problem;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The event store's failures over HTTP. */
public final class EventStoreProblemMappers {

    private static final Logger LOG = Logger.getLogger(EventStoreProblemMappers.class.getName());

    private EventStoreProblemMappers() {
    }

    /**
     * PostgreSQL failed under the event store: 503, logged with an incident id; unreachable or out
     * of connections: 503 logged once per outage ({@link DatabaseOutage}); a value PostgreSQL
     * refuses to store (SQLSTATE classes 22 and 54): 400.
     */
    @Provider
    public static class EventStoreAccessMapper implements ExceptionMapper<EventStoreAccessException> {
        @Override
        public Response toResponse(EventStoreAccessException e) {
            String state = String.valueOf(e.sqlState());
            if (state.startsWith("22") || state.startsWith("54")) {
                // a data exception or "too complex": the request holds a value PostgreSQL cannot store
                return Problem.of(Response.Status.BAD_REQUEST, "PostgreSQL rejected a value of the request: "
                        + firstLine(e.getCause() == null ? e.getMessage() : e.getCause().getMessage())).toResponse();
            }
            if (DatabaseOutage.isOutage(e)) {
                return DatabaseOutage.respond(e);
            }
            String incident = UUID.randomUUID().toString();
            LOG.log(Level.WARNING, "Event store unavailable, incident " + incident, e);
            return Response.fromResponse(Problem.of(Response.Status.SERVICE_UNAVAILABLE,
                    "the event store is not available; incident " + incident + " is in the server log").toResponse())
                    .header("Retry-After", 1).build();
        }
    }
}

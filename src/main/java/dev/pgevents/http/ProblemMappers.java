package dev.pgevents.http;

import dev.pgevents.decision.DecisionConflictException;
import dev.pgevents.decision.DecisionRejected;
import dev.pgevents.eventstore.EventStoreAccessException;
import dev.pgevents.readmodel.ReadYourWrites;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Turns every exception that reaches JAX-RS into problem+json, never a stack trace. */
public final class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class.getName());

    private ProblemMappers() {
    }

    /** Errors JAX-RS raises itself (404 unknown path, 405, 406, 415 ...) and ones we throw. */
    @Provider
    public static class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            Response.StatusType status = e.getResponse().getStatusInfo();
            if (status.getStatusCode() >= 500) {
                return unexpected(e);
            }
            return Problem.of(status, detailOf(e, status)).toResponse();
        }

        private static String detailOf(WebApplicationException e, Response.StatusType status) {
            Throwable cause = e.getCause();
            if (cause instanceof JsonbException || cause instanceof ProcessingException) {
                return "the request body is not valid JSON for this resource: " + firstLine(cause.getMessage());
            }
            String message = e.getMessage();
            // JAX-RS implementations put "HTTP 404 Not Found"-style texts here: say something useful.
            if (message == null || message.startsWith("HTTP " + status.getStatusCode()) || message.startsWith("RESTEASY")) {
                return switch (status.getStatusCode()) {
                    case 404 -> "no resource at this path";
                    case 405 -> "this method is not allowed on this resource";
                    case 406 -> "this resource cannot produce the requested media type";
                    case 415 -> "this resource accepts application/json bodies only";
                    default -> status.getReasonPhrase();
                };
            }
            return firstLine(message);
        }
    }

    /** A body that JSON-B cannot read. */
    @Provider
    public static class JsonbExceptionMapper implements ExceptionMapper<JsonbException> {
        @Override
        public Response toResponse(JsonbException e) {
            return Problem.of(Response.Status.BAD_REQUEST,
                    "the request body is not valid JSON for this resource: " + firstLine(e.getMessage())).toResponse();
        }
    }

    /** A request field or body that fails validation. */
    @Provider
    public static class BadRequestMapper implements ExceptionMapper<BadRequestException> {
        @Override
        public Response toResponse(BadRequestException e) {
            return Problem.of(Response.Status.BAD_REQUEST, e.getMessage()).toResponse();
        }
    }

    /** A decision said no: 409, the type names the rule ({@code /problems/<reason>}). */
    @Provider
    public static class DecisionRejectedMapper implements ExceptionMapper<DecisionRejected> {
        @Override
        public Response toResponse(DecisionRejected e) {
            return Problem.typed("/problems/" + e.reason(), Response.Status.CONFLICT, "Rule violated", e.getMessage())
                    .toResponse();
        }
    }

    /** Concurrent writers kept winning until the decision maker gave up: 409, safe to retry. */
    @Provider
    public static class DecisionConflictMapper implements ExceptionMapper<DecisionConflictException> {
        @Override
        public Response toResponse(DecisionConflictException e) {
            LOG.warning(e.getMessage());
            return Problem.typed("/problems/conflict", Response.Status.CONFLICT, "Concurrent modification",
                    "the command conflicted with concurrent changes " + e.attempts() + " times; retry it").toResponse();
        }
    }

    /** A read with {@code minPosition} whose read model stayed behind: 503, try again shortly. */
    @Provider
    public static class ReadModelBehindMapper implements ExceptionMapper<ReadYourWrites.ReadModelBehind> {
        @Override
        public Response toResponse(ReadYourWrites.ReadModelBehind e) {
            return Response.fromResponse(Problem.typed("/problems/read-model-behind", Response.Status.SERVICE_UNAVAILABLE,
                    "Read model behind", e.getMessage()).toResponse()).header("Retry-After", 1).build();
        }
    }

    /**
     * PostgreSQL failed or is unreachable under the event store: 503, logged with an incident id;
     * except a value PostgreSQL refuses to store (SQLSTATE classes 22 and 54): 400.
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
            String incident = UUID.randomUUID().toString();
            LOG.log(Level.WARNING, "Event store unavailable, incident " + incident, e);
            return Response.fromResponse(Problem.of(Response.Status.SERVICE_UNAVAILABLE,
                    "the event store is not available; incident " + incident + " is in the server log").toResponse())
                    .header("Retry-After", 1).build();
        }
    }

    /** Anything else: logged with an incident id that the client gets instead of the trace. */
    @Provider
    public static class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {
        @Override
        public Response toResponse(Throwable e) {
            return unexpected(e);
        }
    }

    static Response unexpected(Throwable e) {
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "Unexpected error, incident " + incident, e);
        return Problem.of(Response.Status.INTERNAL_SERVER_ERROR,
                "unexpected server error; incident " + incident + " is in the server log").toResponse();
    }

    /** The first line of a message, at most 300 characters: what a client may see of an error text. */
    public static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}

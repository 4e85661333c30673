package dev.pgevents.http;

import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns every exception that reaches JAX-RS into problem+json, never a stack trace: the generic
 * mappers. Each feature maps its own exceptions in its {@code http} package (this package imports
 * no feature).
 */
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
                return DatabaseOutage.isOutage(e) ? DatabaseOutage.respond(e) : unexpected(e);
            }
            return Problem.of(status, detailOf(e, status)).toResponse();
        }

        private static String detailOf(WebApplicationException e, Response.StatusType status) {
            Throwable cause = e.getCause();
            if (cause instanceof JsonbException || cause instanceof ProcessingException) {
                return invalidBody(cause);
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
            return Problem.of(Response.Status.BAD_REQUEST, invalidBody(e)).toResponse();
        }
    }

    /** A JSON property name as a binding error quotes it; anything else is not echoed. */
    private static final Pattern PROPERTY = Pattern.compile("property '?\"?([A-Za-z_][A-Za-z0-9_]{0,63})'?\"?");

    /**
     * What was wrong with a body JSON-B could not bind, in the API's words: its messages name Java
     * types ("class java.lang.Integer"), so only the field they name, if any, is passed on.
     */
    static String invalidBody(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Matcher property = t.getMessage() == null ? null : PROPERTY.matcher(t.getMessage());
            if (property != null && property.find()) {
                return "the request body is not valid JSON for this operation: field '" + property.group(1)
                        + "' does not hold a value of the expected type";
            }
        }
        return "the request body is not valid JSON for this operation";
    }

    /** A request field or body that fails validation. */
    @Provider
    public static class BadRequestMapper implements ExceptionMapper<BadRequestException> {
        @Override
        public Response toResponse(BadRequestException e) {
            return Problem.of(Response.Status.BAD_REQUEST, e.getMessage()).toResponse();
        }
    }

    /**
     * Anything else: a database outage (whatever wraps it) is a 503; the rest is logged with an
     * incident id that the client gets instead of the trace.
     */
    @Provider
    public static class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {
        @Override
        public Response toResponse(Throwable e) {
            return DatabaseOutage.isOutage(e) ? DatabaseOutage.respond(e) : unexpected(e);
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

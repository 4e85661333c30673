package dev.pgevents.http;

import dev.pgevents.telemetry.Cause;
import dev.pgevents.telemetry.Causes;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every request a correlation id and a command id, current while the application handles
 * it ({@link Causes}): each event the request appends stores them as its correlation and
 * causation ids. The correlation id is the client's {@value #CORRELATION_ID} header (so a
 * caller's own id follows its request through events, listeners, processors and messages), else
 * a new UUID; both are echoed as response headers.
 */
public class CorrelationIdFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    public static final String CORRELATION_ID = "Correlation-Id";
    public static final String COMMAND_ID = "Command-Id";

    /** Safe in logs and headers: no spaces, quotes or control characters. */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:/+=@-]{1,128}");

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String correlationId = request.getHeader(CORRELATION_ID);
        if (correlationId == null || correlationId.isEmpty()) {
            correlationId = UUID.randomUUID().toString();
        } else if (!VALID.matcher(correlationId).matches()) {
            ServletProblems.send(response, Problem.of(Response.Status.BAD_REQUEST, "the Correlation-Id header must be 1 to 128 "
                    + "letters, digits or the characters . _ : / + = @ -"));
            return;
        }
        String commandId = UUID.randomUUID().toString();
        response.setHeader(CORRELATION_ID, correlationId);
        response.setHeader(COMMAND_ID, commandId);
        try (Causes.Scope scope = Causes.enter(new Cause(correlationId, commandId))) {
            chain.doFilter(request, response);
        }
    }
}

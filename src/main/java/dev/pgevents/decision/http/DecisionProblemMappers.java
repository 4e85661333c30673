package dev.pgevents.decision.http;

import dev.pgevents.decision.DecisionConflictException;
import dev.pgevents.decision.DecisionRejected;
import dev.pgevents.http.Problem;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Logger;

/** The outcomes of a decision over HTTP: a rejection or a conflict is a 409 problem. */
public final class DecisionProblemMappers {

    private static final Logger LOG = Logger.getLogger(DecisionProblemMappers.class.getName());

    private DecisionProblemMappers() {
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
}

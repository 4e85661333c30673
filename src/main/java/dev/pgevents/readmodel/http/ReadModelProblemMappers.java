package dev.pgevents.readmodel.http;

import dev.pgevents.http.Problem;
import dev.pgevents.readmodel.ReadYourWrites;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Read models over HTTP. */
public final class ReadModelProblemMappers {

    private ReadModelProblemMappers() {
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
}

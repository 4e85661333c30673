package dev.pgevents.http;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Problem details written by servlet code that runs outside JAX-RS (filters, error pages). */
public final class ServletProblems {

    private static final Jsonb JSONB = JsonbBuilder.create();

    private ServletProblems() {
    }

    /** Writes {@code problem} as the whole answer: status, problem+json, no caching. */
    public static void send(HttpServletResponse response, Problem problem) throws IOException {
        byte[] body = JSONB.toJson(problem).getBytes(StandardCharsets.UTF_8);
        response.resetBuffer();
        response.setStatus(problem.status());
        response.setContentType(Problem.MEDIA_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }
}

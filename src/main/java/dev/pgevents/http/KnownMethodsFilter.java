package dev.pgevents.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.List;

/**
 * Refuses HTTP methods outside the standard set with 501 before anything else sees the request.
 * The first filter of the application (WEB-INF/web.xml): what a client sends as a method name
 * must never reach code that records it (metrics labels, logs), where every made-up name would
 * cost memory that is never given back.
 */
public class KnownMethodsFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    /** RFC 9110's methods and PATCH; TRACE and CONNECT are never served. */
    static final List<String> KNOWN = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (KNOWN.contains(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader("Allow", String.join(", ", KNOWN));
        ServletProblems.send(response, Problem.of(Response.Status.NOT_IMPLEMENTED, "this server does not implement this HTTP method"));
    }
}

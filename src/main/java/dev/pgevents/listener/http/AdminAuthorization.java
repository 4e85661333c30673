package dev.pgevents.listener.http;

import dev.pgevents.http.Problem;
import jakarta.annotation.Priority;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * HTTP Basic against the server's user registry for {@link AdminOnly} resources, answering in
 * problem+json: 401 (with a Basic challenge) without valid credentials, 403 for a user outside
 * the role {@value #ROLE} (role names map to the registry's groups of the same name).
 */
@Provider
@AdminOnly
@Priority(Priorities.AUTHENTICATION)
public class AdminAuthorization implements ContainerRequestFilter {

    public static final String ROLE = "pgevents-admin";
    static final String REALM = "pgevents";

    @Context
    HttpServletRequest request;

    @Override
    public void filter(ContainerRequestContext context) {
        if (request.getUserPrincipal() == null) {
            String header = context.getHeaderString(HttpHeaders.AUTHORIZATION);
            if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
                context.abortWith(unauthorized("credentials are required (HTTP Basic)"));
                return;
            }
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                context.abortWith(unauthorized("malformed Basic credentials"));
                return;
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                context.abortWith(unauthorized("malformed Basic credentials"));
                return;
            }
            try {
                request.login(decoded.substring(0, colon), decoded.substring(colon + 1));
            } catch (ServletException e) {
                context.abortWith(unauthorized("invalid user name or password"));
                return;
            }
        }
        if (!request.isUserInRole(ROLE)) {
            context.abortWith(Problem.of(Response.Status.FORBIDDEN,
                    "user " + request.getUserPrincipal().getName() + " is not in role " + ROLE).toResponse());
        }
    }

    private static Response unauthorized(String detail) {
        Response problem = Problem.of(Response.Status.UNAUTHORIZED, detail).toResponse();
        return Response.fromResponse(problem).header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\"").build();
    }
}

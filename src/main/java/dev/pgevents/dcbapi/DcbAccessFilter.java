package dev.pgevents.dcbapi;

import dev.pgevents.http.Problem;
import jakarta.annotation.Priority;
import jakarta.annotation.security.DeclareRoles;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.PathSegment;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Guards every path under /dcb before JAX-RS matches it (so an unknown /dcb path, a wrong method
 * or a wrong content type tells an unauthenticated caller nothing):
 * <ol>
 *   <li>{@code pgevents.dcb.enabled} false: 404 problem;</li>
 *   <li>{@code pgevents.dcb.anonymous} true: no further check;</li>
 *   <li>no valid HTTP Basic credentials: 401 problem with {@code WWW-Authenticate: Basic};</li>
 *   <li>a user without the role {@value DcbConfig#ROLE}: 403 problem.</li>
 * </ol>
 * A check in code rather than web.xml security constraints: the anonymous switch is then a
 * run-time setting (MicroProfile Config, e.g. an environment variable) instead of a different
 * deployment descriptor. Credentials are checked against the server's user registry with
 * {@link HttpServletRequest#login}; the role check is {@link HttpServletRequest#isUserInRole}.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
@DeclareRoles(DcbConfig.ROLE)
public class DcbAccessFilter implements ContainerRequestFilter {

    private static final Logger LOG = Logger.getLogger(DcbAccessFilter.class.getName());
    static final String REALM = "pgevents";

    @Context
    HttpServletRequest servletRequest;

    @Override
    public void filter(ContainerRequestContext request) {
        if (!underDcb(request)) {
            return;
        }
        if (!DcbConfig.enabled()) {
            request.abortWith(Problem.of(Response.Status.NOT_FOUND,
                    "the event store HTTP API is disabled (set " + DcbConfig.ENABLED + "=true to enable it)").toResponse());
            return;
        }
        if (DcbConfig.anonymous()) {
            return;
        }
        if (servletRequest.getUserPrincipal() == null && !login(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            Response problem = Problem.of(Response.Status.UNAUTHORIZED,
                    "this API needs HTTP Basic credentials of a user in the role " + DcbConfig.ROLE).toResponse();
            request.abortWith(Response.fromResponse(problem)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"").build());
            return;
        }
        if (!servletRequest.isUserInRole(DcbConfig.ROLE)) {
            request.abortWith(Problem.of(Response.Status.FORBIDDEN,
                    "user " + servletRequest.getUserPrincipal().getName() + " is not in the role " + DcbConfig.ROLE)
                    .toResponse());
        }
    }

    /**
     * Whether JAX-RS will route the request under /dcb: judged on the decoded path segments
     * without matrix parameters, as the matching does ({@code /dcb;x=1/read} and {@code /%64cb/read}
     * are /dcb too), never on the raw path text.
     */
    static boolean underDcb(ContainerRequestContext request) {
        for (PathSegment segment : request.getUriInfo().getPathSegments(true)) {
            if (!segment.getPath().isEmpty()) {
                return "dcb".equals(segment.getPath());
            }
        }
        return false;
    }

    /** Validates Basic credentials against the user registry; false when absent or wrong. */
    private boolean login(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        try {
            servletRequest.login(decoded.substring(0, colon), decoded.substring(colon + 1));
            return servletRequest.getUserPrincipal() != null;
        } catch (ServletException e) {
            LOG.log(Level.FINE, "/dcb login failed: {0}", e.getMessage());
            return false;
        }
    }
}

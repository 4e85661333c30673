package dev.pgevents.dcbapi;

import dev.pgevents.http.BasicAuthentication;
import dev.pgevents.http.Problem;
import jakarta.annotation.Priority;
import jakarta.annotation.security.DeclareRoles;
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
        BasicAuthentication.refusal(servletRequest, request.getHeaderString(HttpHeaders.AUTHORIZATION), DcbConfig.ROLE,
                "this API needs HTTP Basic credentials of a user in the role " + DcbConfig.ROLE).ifPresent(request::abortWith);
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
}

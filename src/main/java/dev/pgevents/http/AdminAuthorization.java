package dev.pgevents.http;

import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

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

    @Context
    HttpServletRequest request;

    @Override
    public void filter(ContainerRequestContext context) {
        BasicAuthentication.refusal(request, context.getHeaderString(HttpHeaders.AUTHORIZATION), ROLE,
                "valid HTTP Basic credentials of a user in the role " + ROLE + " are required").ifPresent(context::abortWith);
    }
}

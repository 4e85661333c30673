package dev.pgevents.http;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * HTTP Basic against the server's user registry, for the filters that protect APIs in code (so
 * their 401 and 403 are problem+json, and switches such as anonymous access stay run-time settings).
 */
public final class BasicAuthentication {

    public static final String REALM = "pgevents";

    private BasicAuthentication() {
    }

    /**
     * Logs the request in with the credentials of an {@code Authorization: Basic} header (the
     * container then answers isUserInRole); false when the header is absent or malformed, or the
     * credentials are wrong. Only the header counts: an identity the container found elsewhere
     * (an ambient cookie, which a foreign site's form can make a browser send) is dropped, so a
     * state-changing request cannot be forged across sites.
     */
    public static boolean login(HttpServletRequest request, String authorization) {
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
        if (colon <= 0 || decoded.substring(0, colon).chars().anyMatch(Character::isISOControl)) {
            // a user id with a line break would forge lines in the registry's failed-login message
            return false;
        }
        try {
            if (request.getUserPrincipal() != null) {
                request.logout();
            }
            request.login(decoded.substring(0, colon), decoded.substring(colon + 1));
            return request.getUserPrincipal() != null;
        } catch (ServletException e) {
            return false;
        }
    }

    /** 401 problem+json with the Basic challenge. */
    public static Response unauthorized(String detail) {
        return Response.fromResponse(Problem.of(Response.Status.UNAUTHORIZED, detail).toResponse())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"").build();
    }

    /** 403 problem+json: authenticated, but not in the role. */
    public static Response forbidden(HttpServletRequest request, String role) {
        return Problem.of(Response.Status.FORBIDDEN,
                "user " + request.getUserPrincipal().getName() + " is not in the role " + role).toResponse();
    }
}

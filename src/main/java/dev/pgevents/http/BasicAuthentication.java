package dev.pgevents.http;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * HTTP Basic against the server's user registry, for the filters that protect APIs in code (so
 * their 401 and 403 are problem+json, and switches such as anonymous access stay run-time settings).
 */
public final class BasicAuthentication {

    public static final String REALM = "pgevents";

    /** Five failed logins in a minute for one user id or from one address: refused for a minute. */
    private static final LoginThrottle THROTTLE = new LoginThrottle(5, Duration.ofMinutes(1), 10_000, System::nanoTime);

    /** Refused default-password logins: a line when they start, then a count a minute, not a line per request. */
    private static final OutageLog DEFAULT_PASSWORD_LOG =
            new OutageLog(Logger.getLogger(BasicAuthentication.class.getName()), "Logins refused", 60_000);

    private BasicAuthentication() {
    }

    /**
     * Logs the request in with the credentials of an {@code Authorization: Basic} header (the
     * container then answers isUserInRole) and checks the role; the answer refusing the request, if
     * any: 401 (no, malformed or wrong credentials; {@code required} says what is needed), 429 after
     * repeated failures for the user id or from the address, 503 for a default password outside
     * {@link DevelopmentMode}, 403 outside the role. Only the header counts: an identity the container
     * found elsewhere (an ambient cookie, which a foreign site's form can make a browser send) is
     * dropped, so a state-changing request cannot be forged across sites.
     */
    public static Optional<Response> refusal(HttpServletRequest request, String authorization, String role, String required) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.of(unauthorized(required));
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.of(unauthorized(required));
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0 || decoded.substring(0, colon).chars().anyMatch(Character::isISOControl)) {
            // a user id with a line break would forge lines in the registry's failed-login message
            return Optional.of(unauthorized(required));
        }
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        String address = request.getRemoteAddr();
        Optional<Duration> wait = THROTTLE.blocked(user, address);
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            return Optional.of(Response.fromResponse(Problem.of(Response.Status.TOO_MANY_REQUESTS,
                            "too many failed logins for this user or from this address; retry in " + seconds + " s")
                    .toResponse()).header(HttpHeaders.RETRY_AFTER, seconds).build());
        }
        if (!login(request, user, password)) {
            THROTTLE.failed(user, address);
            return Optional.of(unauthorized(required));
        }
        THROTTLE.succeeded(user);
        if (DevelopmentMode.DEFAULT_PASSWORDS.contains(password) && !DevelopmentMode.enabled()) {
            try {
                logout(request);
            } catch (ServletException e) {
                // the request is refused whatever: its identity ends with it (no single sign-on cookie)
            }
            DEFAULT_PASSWORD_LOG.failed("a login of user " + LogSafe.text(user) + " used a default password."
                    + " Set ADMIN_PASSWORD and EVENTSTORE_PASSWORD (" + DevelopmentMode.PROPERTY + "=true accepts"
                    + " default passwords on a developer's machine)");
            return Optional.of(Problem.of(Response.Status.SERVICE_UNAVAILABLE, "this server still has a default"
                    + " password for this user: its operator must set ADMIN_PASSWORD and EVENTSTORE_PASSWORD").toResponse());
        }
        return request.isUserInRole(role) ? Optional.empty() : Optional.of(forbidden(request, role));
    }

    private static boolean login(HttpServletRequest request, String user, String password) {
        try {
            logout(request);
            request.login(user, password);
            return request.getUserPrincipal() != null;
        } catch (ServletException e) {
            return false;
        }
    }

    private static void logout(HttpServletRequest request) throws ServletException {
        if (request.getUserPrincipal() != null) {
            request.logout();
        }
    }

    /** 401 problem+json with the Basic challenge. */
    static Response unauthorized(String detail) {
        return Response.fromResponse(Problem.of(Response.Status.UNAUTHORIZED, detail).toResponse())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"").build();
    }

    /** 403 problem+json: authenticated, but not in the role. */
    private static Response forbidden(HttpServletRequest request, String role) {
        return Problem.of(Response.Status.FORBIDDEN,
                "user " + request.getUserPrincipal().getName() + " is not in the role " + role).toResponse();
    }
}

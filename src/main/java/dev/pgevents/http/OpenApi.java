package dev.pgevents.http;

/**
 * Names of the shared OpenAPI components (declared on {@link RestApplication}), and the operation
 * extension by which a resource method names the errors of its own domain:
 * {@code @Extension(name = OpenApi.ERRORS, value = "404,409")}. {@link OpenApiDefaults} turns it
 * into responses and adds the errors every operation of its kind can answer.
 */
public final class OpenApi {

    /** Statuses (comma-separated: 404, 409) a resource method answers beyond the ones derived for it. */
    public static final String ERRORS = "x-pgevents-errors";

    public static final String BAD_REQUEST = "BadRequest";
    public static final String UNAUTHORIZED = "Unauthorized";
    public static final String FORBIDDEN = "Forbidden";
    public static final String NOT_FOUND = "NotFound";
    public static final String CONFLICT = "Conflict";
    public static final String TOO_MANY_REQUESTS = "TooManyRequests";
    public static final String SERVER_ERROR = "ServerError";
    public static final String UNAVAILABLE = "Unavailable";
    /** The HTTP Basic security scheme of the admin API and /dcb. */
    public static final String BASIC = "basic";

    private OpenApi() {
    }
}

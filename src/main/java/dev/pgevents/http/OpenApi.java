package dev.pgevents.http;

/** Names of the shared OpenAPI components (declared on {@link RestApplication}) that resources refer to. */
public final class OpenApi {

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

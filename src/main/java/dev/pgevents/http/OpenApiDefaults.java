package dev.pgevents.http;

import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Completes every operation of the OpenAPI document with its error responses (each a reference
 * to a problem+json response of {@link RestApplication}), so resource methods only name the
 * errors of their own domain ({@link OpenApi#ERRORS}) and keep the success responses that
 * MicroProfile OpenAPI derives from their signatures:
 * <ul>
 *   <li>every operation: 500 (an unexpected failure) and 503 (the database does not answer);</li>
 *   <li>one with parameters or a body: 400 (bad input);</li>
 *   <li>one that needs a login: 401, 403 and 429 (too many failed logins);</li>
 *   <li>the statuses its {@link OpenApi#ERRORS} extension lists (404, 409).</li>
 * </ul>
 * Registered by {@code mp.openapi.filter}.
 */
public class OpenApiDefaults implements OASFilter {

    private static final Map<String, String> COMPONENTS = Map.of(
            "400", OpenApi.BAD_REQUEST, "401", OpenApi.UNAUTHORIZED, "403", OpenApi.FORBIDDEN,
            "404", OpenApi.NOT_FOUND, "409", OpenApi.CONFLICT, "429", OpenApi.TOO_MANY_REQUESTS,
            "500", OpenApi.SERVER_ERROR, "503", OpenApi.UNAVAILABLE);

    @Override
    public Operation filterOperation(Operation operation) {
        APIResponses responses = operation.getResponses();
        if (responses == null) {
            responses = OASFactory.createAPIResponses();
            operation.setResponses(responses);
        }
        if (operation.getParameters() != null && !operation.getParameters().isEmpty() || operation.getRequestBody() != null) {
            add(responses, "400");
        }
        if (operation.getSecurity() != null && !operation.getSecurity().isEmpty()) {
            add(responses, "401");
            add(responses, "403");
            add(responses, "429");
        }
        Object own = operation.getExtensions() == null ? null : operation.getExtensions().get(OpenApi.ERRORS);
        if (own != null) {
            for (String status : own.toString().split(",")) {
                add(responses, status.trim());
            }
            operation.removeExtension(OpenApi.ERRORS);
        }
        add(responses, "500");
        add(responses, "503");
        return operation;
    }

    private static void add(APIResponses responses, String status) {
        String component = COMPONENTS.get(status);
        if (component == null) {
            throw new IllegalStateException("no shared problem response for status " + status);
        }
        if (!responses.hasAPIResponse(status)) {
            responses.addAPIResponse(status, OASFactory.createAPIResponse().ref(component));
        }
    }
}

package dev.pgevents.http;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Adds to every operation of the OpenAPI document the two errors any request can meet, so no
 * resource method has to repeat them: 500 (an unexpected failure, still problem+json) and 503
 * (the database does not answer). Registered by {@code mp.openapi.filter}.
 */
public class OpenApiDefaults implements OASFilter {

    @Override
    public Operation filterOperation(Operation operation) {
        APIResponses responses = operation.getResponses();
        if (responses == null) {
            responses = OASFactory.createAPIResponses();
            operation.setResponses(responses);
        }
        addIfMissing(responses, "500", OpenApi.SERVER_ERROR);
        addIfMissing(responses, "503", OpenApi.UNAVAILABLE);
        return operation;
    }

    private static void addIfMissing(APIResponses responses, String status, String component) {
        if (!responses.hasAPIResponse(status)) {
            responses.addAPIResponse(status, OASFactory.createAPIResponse().ref(component));
        }
    }
}

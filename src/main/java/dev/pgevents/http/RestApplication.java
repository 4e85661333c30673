package dev.pgevents.http;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * All JAX-RS resources: the domain API under /api, the event store API under /dcb.
 *
 * <p>Its OpenAPI definition declares, once, the problem+json error responses that
 * {@link OpenApiDefaults} attaches to each operation.
 */
@ApplicationPath("/")
@OpenAPIDefinition(
        info = @Info(title = "pgevents", version = "1",
                description = "Event sourcing on PostgreSQL: the courses and cart APIs, the admin API and the "
                        + "event store over HTTP (/dcb). Every error is an RFC 9457 problem+json body. A request may "
                        + "carry a Correlation-Id header: it is echoed and stored on every event the request appends."),
        components = @Components(
                responses = {
                        @APIResponse(name = OpenApi.BAD_REQUEST, responseCode = "400",
                                description = "The request is malformed or an input breaks its rules; the detail says which",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApi.UNAUTHORIZED, responseCode = "401",
                                description = "No or wrong credentials (HTTP Basic)",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApi.FORBIDDEN, responseCode = "403",
                                description = "The user lacks the role this API needs",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApi.NOT_FOUND, responseCode = "404",
                                description = "What the path names does not exist",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApi.CONFLICT, responseCode = "409",
                                description = "A rule of the domain refused the command (type /problems/<rule>), or concurrent "
                                        + "writers kept winning (type /problems/conflict: retry it)",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApi.TOO_MANY_REQUESTS, responseCode = "429",
                                description = "Too many failed logins from this client: wait as Retry-After says",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApi.SERVER_ERROR, responseCode = "500",
                                description = "An unexpected failure; the server's log has the details",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApi.UNAVAILABLE, responseCode = "503",
                                description = "The database does not answer, a read model did not reach ?minPosition in time "
                                        + "(type /problems/read-model-behind), or the API is off: retry later",
                                content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
                },
                securitySchemes = @SecurityScheme(securitySchemeName = OpenApi.BASIC, type = SecuritySchemeType.HTTP,
                        scheme = "basic", description = "Users of the admin API (role pgevents-admin) and of /dcb "
                                + "(role pgevents-eventstore)")))
public class RestApplication extends Application {
}

package dev.pgevents.inbound.http;

import dev.pgevents.http.AdminAuthorization;
import dev.pgevents.http.AdminOnly;
import dev.pgevents.http.Problem;
import dev.pgevents.inbound.ParkedMessage;
import dev.pgevents.inbound.ParkedMessageNotFoundException;
import dev.pgevents.inbound.RetryFailedException;
import dev.pgevents.inbound.cdi.InboundRuntime;
import dev.pgevents.inbound.cdi.TranslatorInfo;
import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import dev.pgevents.http.OpenApi;

/**
 * Operations on the inbound translators (role pgevents-admin):
 * <pre>
 * GET    /api/admin/inbound/translators                  every translator: group, topics, this node's consumer status
 * GET    /api/admin/inbound/translators/{name}
 * POST   /api/admin/inbound/translators/{name}/stop      this node's consumer leaves the group
 * POST   /api/admin/inbound/translators/{name}/start
 * GET    /api/admin/inbound/parked?translator=NAME       dead letters (all translators without the parameter)
 * POST   /api/admin/inbound/parked/{id}/retry            translate and apply again; the dead letter goes on success
 * DELETE /api/admin/inbound/parked/{id}                  give up on the message
 * </pre>
 * Errors are problem+json: 404 unknown translator or dead letter, 409 a retry that failed again
 * (the dead letter stays, with the new error), 400 an id that is not a whole number.
 */
@Path("api/admin/inbound")
@AdminOnly
@DeclareRoles(AdminAuthorization.ROLE)
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin: inbound", description = "Kafka inbound translators and their parked messages")
@SecurityRequirement(name = OpenApi.BASIC)
public class InboundAdminResource {

    @Inject
    InboundRuntime runtime;

    @GET
    @Path("translators")
    public List<TranslatorInfo> translators() {
        return runtime.info();
    }

    @GET
    @Path("translators/{name}")
    @Extension(name = OpenApi.ERRORS, value = "404")
    public TranslatorInfo translator(@PathParam("name") String name) {
        return runtime.info(name).orElseThrow(() -> problem(Response.Status.NOT_FOUND, "no translator named " + name));
    }

    @POST
    @Path("translators/{name}/stop")
    @Extension(name = OpenApi.ERRORS, value = "404")
    public TranslatorInfo stop(@PathParam("name") String name) {
        translator(name);
        runtime.stopConsumer(name);
        return translator(name);
    }

    @POST
    @Path("translators/{name}/start")
    @Extension(name = OpenApi.ERRORS, value = "404")
    public TranslatorInfo start(@PathParam("name") String name) {
        translator(name);
        runtime.startConsumer(name);
        return translator(name);
    }

    @GET
    @Path("parked")
    public List<ParkedMessage> parked(@QueryParam("translator") String translator) {
        return runtime.engine().parked(translator);
    }

    @POST
    @Path("parked/{id}/retry")
    @Extension(name = OpenApi.ERRORS, value = "404,409")
    public Response retry(@PathParam("id") String id) {
        long at = id(id);
        try {
            runtime.engine().retryParked(at, runtime.translators());
            return Response.noContent().build();
        } catch (ParkedMessageNotFoundException e) {
            throw problem(Response.Status.NOT_FOUND, e.getMessage());
        } catch (RetryFailedException e) {
            throw problem(Response.Status.CONFLICT, e.getMessage());
        }
    }

    @DELETE
    @Path("parked/{id}")
    @Extension(name = OpenApi.ERRORS, value = "404")
    public Response delete(@PathParam("id") String id) {
        long at = id(id);
        try {
            runtime.engine().deleteParked(at);
            return Response.noContent().build();
        } catch (ParkedMessageNotFoundException e) {
            throw problem(Response.Status.NOT_FOUND, e.getMessage());
        }
    }

    /** An id as the client wrote it; parsed here, as JAX-RS answers 404 for one it cannot convert. */
    private static long id(String text) {
        if (text.matches("[0-9]{1,18}")) {
            return Long.parseLong(text);
        }
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        throw problem(Response.Status.BAD_REQUEST, "a parked message id is a whole number, not '" + shown + "'");
    }

    private static WebApplicationException problem(Response.Status status, String detail) {
        return new WebApplicationException(detail, Problem.of(status, detail).toResponse());
    }
}

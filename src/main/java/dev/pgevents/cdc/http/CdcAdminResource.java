package dev.pgevents.cdc.http;

import dev.pgevents.cdc.CdcStatus;
import dev.pgevents.cdc.cdi.CdcReadYourWrites;
import dev.pgevents.cdc.cdi.CdcRuntime;
import dev.pgevents.http.AdminAuthorization;
import dev.pgevents.http.AdminOnly;
import dev.pgevents.http.OpenApi;
import dev.pgevents.http.Problem;
import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.sql.SQLException;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Operations on change data capture (role pgevents-admin):
 * <pre>
 * GET  /api/admin/cdc                            state on this node and why, the slot, each operator
 * POST /api/admin/cdc/operators/{name}/resume    a stopped operator runs again from its applied LSN: 204
 * </pre>
 * An unknown operator is a 404 problem.
 */
@Path("api/admin/cdc")
@AdminOnly
@DeclareRoles(AdminAuthorization.ROLE)
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin: change data capture", description = "The CDC reader on this node, its replication slot and operators; resume a stopped operator")
@SecurityRequirement(name = OpenApi.BASIC)
public class CdcAdminResource {

    @Inject
    CdcRuntime runtime;

    @GET
    public CdcStatus status() throws SQLException {
        return runtime.admin().status();
    }

    @POST
    @Path("operators/{name}/resume")
    @Extension(name = OpenApi.ERRORS, value = "404")
    public Response resume(@PathParam("name") String name) throws SQLException {
        if (!runtime.admin().resume(name)) {
            String detail = "there is no CDC operator named " + (name.length() > 100 ? name.substring(0, 100) + "..." : name);
            throw new WebApplicationException(detail, Problem.of(Response.Status.NOT_FOUND, detail).toResponse());
        }
        return Response.noContent().build();
    }

    /** A read with {@code minPosition} whose operator stayed behind: 503, try again shortly. */
    @Provider
    public static class OperatorBehindMapper implements ExceptionMapper<CdcReadYourWrites.OperatorBehind> {
        @Override
        public Response toResponse(CdcReadYourWrites.OperatorBehind e) {
            return Response.fromResponse(Problem.typed("/problems/operator-behind", Response.Status.SERVICE_UNAVAILABLE,
                    "Operator behind", e.getMessage()).toResponse()).header("Retry-After", 1).build();
        }
    }
}

package dev.pgevents.listener.http;

import dev.pgevents.http.AdminAuthorization;
import dev.pgevents.http.AdminOnly;
import dev.pgevents.http.Problem;
import dev.pgevents.listener.ListenerAdmin;
import dev.pgevents.listener.ListenerInfo;
import dev.pgevents.listener.ListenerNotFoundException;
import dev.pgevents.listener.ListenerStateException;
import dev.pgevents.listener.ParkedEvent;
import dev.pgevents.listener.cdi.ListenerRuntime;
import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
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
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import dev.pgevents.http.OpenApi;

/**
 * Operations on the listeners (role pgevents-admin):
 * <pre>
 * GET  /api/admin/listeners                                  every listener: position, head, lag, status, last error
 * GET  /api/admin/listeners/{id}
 * POST /api/admin/listeners/{id}/pause
 * POST /api/admin/listeners/{id}/resume
 * POST /api/admin/listeners/{id}/reset?position=N            N defaults to 0: read model cleared and rebuilt
 * GET  /api/admin/listeners/{id}/parked                      dead letters
 * POST /api/admin/listeners/{id}/parked/{position}/retry
 * POST /api/admin/listeners/{id}/parked/{position}/skip
 * </pre>
 * Errors are problem+json: 404 unknown listener or parked event, 409 an operation that failed in
 * the listener's state (a retried event failing again), 400 a position that is not a whole number
 * from 0 up, or a reset beyond the head of the store.
 */
@Path("api/admin/listeners")
@AdminOnly
@DeclareRoles(AdminAuthorization.ROLE)
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin: listeners", description = "Listeners: position, lag, status; pause, resume, reset; parked events (correlation and causation ids included)")
@SecurityRequirement(name = OpenApi.BASIC)
public class ListenerAdminResource {

    @Inject
    ListenerRuntime runtime;

    private ListenerAdmin admin() {
        return runtime.admin();
    }

    @GET
    public List<ListenerInfo> list() {
        return call(() -> admin().list());
    }

    @GET
    @Path("{id}")
    @Extension(name = OpenApi.ERRORS, value = "404")
    public ListenerInfo get(@PathParam("id") String id) {
        return call(() -> admin().info(id));
    }

    @POST
    @Path("{id}/pause")
    @Extension(name = OpenApi.ERRORS, value = "404,409")
    public ListenerInfo pause(@PathParam("id") String id) {
        return call(() -> {
            admin().pause(id);
            return admin().info(id);
        });
    }

    @POST
    @Path("{id}/resume")
    @Extension(name = OpenApi.ERRORS, value = "404,409")
    public ListenerInfo resume(@PathParam("id") String id) {
        return call(() -> {
            admin().resume(id);
            runtime.wakeAll();
            return admin().info(id);
        });
    }

    @POST
    @Path("{id}/reset")
    @Extension(name = OpenApi.ERRORS, value = "404,409")
    public ListenerInfo reset(@PathParam("id") String id, @QueryParam("position") String position) {
        long to = position == null ? 0 : position(position);
        return call(() -> {
            admin().reset(id, to);
            runtime.wakeAll();
            return admin().info(id);
        });
    }

    @GET
    @Path("{id}/parked")
    @Extension(name = OpenApi.ERRORS, value = "404")
    public List<ParkedEvent> parked(@PathParam("id") String id) {
        return call(() -> {
            admin().info(id); // 404 for an unknown listener
            return admin().parked(id);
        });
    }

    @POST
    @Path("{id}/parked/{position}/retry")
    @Extension(name = OpenApi.ERRORS, value = "404,409")
    public ListenerInfo retry(@PathParam("id") String id, @PathParam("position") String position) {
        long at = position(position);
        return call(() -> {
            admin().retryParked(id, at);
            runtime.wakeAll();
            return admin().info(id);
        });
    }

    @POST
    @Path("{id}/parked/{position}/skip")
    @Extension(name = OpenApi.ERRORS, value = "404,409")
    public ListenerInfo skip(@PathParam("id") String id, @PathParam("position") String position) {
        long at = position(position);
        return call(() -> {
            admin().skipParked(id, at);
            runtime.wakeAll();
            return admin().info(id);
        });
    }

    /**
     * A position as the client wrote it: a whole number from 0 to {@value Long#MAX_VALUE}. Parsed
     * here rather than by JAX-RS, which answers 404 for a parameter it cannot convert.
     */
    private static long position(String text) {
        if (text.matches("[0-9]{1,19}")) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                // 19 digits above Long.MAX_VALUE: refused below
            }
        }
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        throw problem(Response.Status.BAD_REQUEST, "a position is a whole number from 0 to " + Long.MAX_VALUE
                + ", not '" + shown + "'");
    }

    private static <T> T call(Supplier<T> work) {
        try {
            return work.get();
        } catch (ListenerNotFoundException e) {
            throw problem(Response.Status.NOT_FOUND, e.getMessage());
        } catch (ListenerStateException e) {
            throw problem(Response.Status.CONFLICT, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw problem(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    private static WebApplicationException problem(Response.Status status, String detail) {
        return new WebApplicationException(detail, Problem.of(status, detail).toResponse());
    }
}

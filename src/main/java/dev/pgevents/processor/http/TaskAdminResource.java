package dev.pgevents.processor.http;

import dev.pgevents.http.AdminAuthorization;
import dev.pgevents.http.AdminOnly;
import dev.pgevents.http.Problem;
import dev.pgevents.processor.TaskAdmin;
import dev.pgevents.processor.TaskInfo;
import dev.pgevents.processor.TaskNotFoundException;
import dev.pgevents.processor.TaskStateException;
import dev.pgevents.processor.TaskStatus;
import dev.pgevents.processor.cdi.ProcessorRuntime;
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
import java.util.Locale;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import dev.pgevents.http.OpenApi;

/**
 * Operations on the processors' tasks (role pgevents-admin):
 * <pre>
 * GET    /api/admin/tasks?status=FAILED&amp;type=T&amp;limit=N   tasks in id order (filters optional; limit 1..1000, default 100)
 * GET    /api/admin/tasks/{id}
 * POST   /api/admin/tasks/{id}/retry                       queued again, due now, fresh attempts
 * DELETE /api/admin/tasks/{id}                             removed (204)
 * </pre>
 * Errors are problem+json: 404 unknown task, 409 a running task (retry, delete) or a done one
 * (retry), 400 an id that is not a whole number, an unknown status or a limit out of range.
 */
@Path("api/admin/tasks")
@AdminOnly
@DeclareRoles(AdminAuthorization.ROLE)
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin: tasks", description = "Processor tasks: list, retry, delete")
@SecurityRequirement(name = OpenApi.BASIC)
public class TaskAdminResource {

    private static final int DEFAULT_LIMIT = 100;

    @Inject
    ProcessorRuntime runtime;

    private TaskAdmin admin() {
        return runtime.admin();
    }

    @GET
    public List<TaskInfo> list(@QueryParam("status") String status, @QueryParam("type") String type,
                               @QueryParam("limit") String limit) {
        TaskStatus s = status == null ? null : status(status);
        int max = limit == null ? DEFAULT_LIMIT : limit(limit);
        return call(() -> admin().list(s, type, max));
    }

    @GET
    @Path("{id}")
    @Extension(name = OpenApi.ERRORS, value = "404")
    public TaskInfo get(@PathParam("id") String id) {
        long task = id(id);
        return call(() -> admin().info(task));
    }

    @POST
    @Path("{id}/retry")
    @Extension(name = OpenApi.ERRORS, value = "404,409")
    public TaskInfo retry(@PathParam("id") String id) {
        long task = id(id);
        return call(() -> {
            TaskInfo queued = admin().retry(task);
            runtime.wake(queued.type());
            return queued;
        });
    }

    @DELETE
    @Path("{id}")
    @Extension(name = OpenApi.ERRORS, value = "404,409")
    public Response delete(@PathParam("id") String id) {
        long task = id(id);
        return call(() -> {
            admin().delete(task);
            return Response.noContent().build();
        });
    }

    /** Parsed here rather than by JAX-RS, which answers 404 for a parameter it cannot convert. */
    private static long id(String text) {
        if (text.matches("[0-9]{1,19}")) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                // 19 digits above Long.MAX_VALUE: refused below
            }
        }
        throw badRequest("a task id is a whole number from 0 to " + Long.MAX_VALUE + ", not '" + shown(text) + "'");
    }

    private static TaskStatus status(String text) {
        try {
            return TaskStatus.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw badRequest("status is one of QUEUED, RUNNING, DONE, FAILED, not '" + shown(text) + "'");
        }
    }

    private static int limit(String text) {
        if (text.matches("[0-9]{1,4}")) {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= TaskAdmin.MAX_LIST) {
                return n;
            }
        }
        throw badRequest("limit is a whole number from 1 to " + TaskAdmin.MAX_LIST + ", not '" + shown(text) + "'");
    }

    private static String shown(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    private static <T> T call(Supplier<T> work) {
        try {
            return work.get();
        } catch (TaskNotFoundException e) {
            throw problem(Response.Status.NOT_FOUND, e.getMessage());
        } catch (TaskStateException e) {
            throw problem(Response.Status.CONFLICT, e.getMessage());
        }
    }

    private static WebApplicationException badRequest(String detail) {
        return problem(Response.Status.BAD_REQUEST, detail);
    }

    private static WebApplicationException problem(Response.Status status, String detail) {
        return new WebApplicationException(detail, Problem.of(status, detail).toResponse());
    }
}

package dev.pgevents.courses;

import dev.pgevents.decision.Decision;
import dev.pgevents.decision.DecisionMaker;
import dev.pgevents.http.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import dev.pgevents.readmodel.ReadYourWrites;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import dev.pgevents.http.OpenApi;

/**
 * The courses domain over HTTP. Each command becomes a slice's decision, run by the decision
 * maker; a success answers with {@code Event-Position}, the global position of the event appended.
 * Each query reads a JPA read model; with {@code ?minPosition=N} it first waits until that read
 * model handled position N (read-your-writes), else 503.
 */
@Path("api")
@ApplicationScoped
@Consumes(MediaType.APPLICATION_JSON)
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "courses", description = "Courses, students and subscriptions: commands answer Event-Position; reads accept ?minPosition= (read-your-writes)")
public class CoursesApi {

    public static final String EVENT_POSITION = "Event-Position";

    @Inject
    DecisionMaker decisions;

    @Inject
    CourseCatalog catalog;

    @Inject
    StudentDirectory students;

    @Inject
    ReadYourWrites readYourWrites;

    @GET
    @Path("courses/{courseId}")
    @Extension(name = OpenApi.ERRORS, value = "404")
    public CourseCatalog.CourseSummary course(@PathParam("courseId") String courseId,
                                              @QueryParam("minPosition") String minPosition) {
        String id = Inputs.id("courseId", courseId);
        awaitRead(CourseCatalog.ID, minPosition);
        return catalog.find(id).orElseThrow(() -> new NotFoundException("course " + id + " does not exist"));
    }

    @GET
    @Path("courses")
    public List<CourseCatalog.CourseSummary> courses(@QueryParam("minPosition") String minPosition) {
        awaitRead(CourseCatalog.ID, minPosition);
        return catalog.all();
    }

    @GET
    @Path("students/{studentId}")
    @Extension(name = OpenApi.ERRORS, value = "404")
    public StudentDirectory.StudentSummary student(@PathParam("studentId") String studentId,
                                                   @QueryParam("minPosition") String minPosition) {
        String id = Inputs.id("studentId", studentId);
        awaitRead(StudentDirectory.ID, minPosition);
        return students.find(id).orElseThrow(() -> new NotFoundException("student " + id + " is not registered"));
    }

    @POST
    @Path("courses")
    @Extension(name = OpenApi.ERRORS, value = "409")
    public Response defineCourse(DefineCourse.Request body) {
        DefineCourse command = Inputs.body(body).toCommand();
        return created(decide(command), URI.create("/api/courses/" + command.courseId()));
    }

    @PUT
    @Path("courses/{courseId}/name")
    @Extension(name = OpenApi.ERRORS, value = "404,409")
    public Response renameCourse(@PathParam("courseId") String courseId, RenameCourse.Request body) {
        return noContent(decide(Inputs.body(body).toCommand(courseId)));
    }

    @PUT
    @Path("courses/{courseId}/capacity")
    @Extension(name = OpenApi.ERRORS, value = "404,409")
    public Response changeCapacity(@PathParam("courseId") String courseId, ChangeCourseCapacity.Request body) {
        return noContent(decide(Inputs.body(body).toCommand(courseId)));
    }

    @POST
    @Path("courses/{courseId}/close")
    @Consumes(MediaType.WILDCARD)
    @Extension(name = OpenApi.ERRORS, value = "404,409")
    public Response closeCourse(@PathParam("courseId") String courseId) {
        return noContent(decide(CloseCourse.of(courseId)));
    }

    @POST
    @Path("students")
    @Extension(name = OpenApi.ERRORS, value = "409")
    public Response registerStudent(RegisterStudent.Request body) {
        RegisterStudent command = Inputs.body(body).toCommand();
        return created(decide(command), URI.create("/api/students/" + command.studentId()));
    }

    @POST
    @Path("courses/{courseId}/subscriptions")
    @Extension(name = OpenApi.ERRORS, value = "404,409")
    public Response subscribe(@PathParam("courseId") String courseId, SubscribeStudent.Request body) {
        SubscribeStudent command = Inputs.body(body).toCommand(courseId);
        return created(decide(command), UriBuilder.fromPath("/api/courses/{c}/subscriptions/{s}")
                .build(command.courseId(), command.studentId()));
    }

    @DELETE
    @Path("courses/{courseId}/subscriptions/{studentId}")
    @Consumes(MediaType.WILDCARD)
    @Extension(name = OpenApi.ERRORS, value = "404,409")
    public Response unsubscribe(@PathParam("courseId") String courseId, @PathParam("studentId") String studentId) {
        return noContent(decide(UnsubscribeStudent.of(courseId, studentId)));
    }

    private void awaitRead(String readModel, String minPosition) {
        if (minPosition != null) {
            readYourWrites.await(readModel, Inputs.position("minPosition", minPosition));
        }
    }

    private long decide(Decision decision) {
        // Every courses command appends exactly one event when it succeeds.
        return decisions.make(decision).lastPosition().orElseThrow();
    }

    private static Response created(long position, URI location) {
        return Response.created(location).header(EVENT_POSITION, position).build();
    }

    private static Response noContent(long position) {
        return Response.noContent().header(EVENT_POSITION, position).build();
    }

    /** A course or student named by the request does not exist: 404. */
    @Provider
    public static class NotFoundMapper implements ExceptionMapper<Rejections.NotFound> {
        @Override
        public Response toResponse(Rejections.NotFound e) {
            return Problem.typed("/problems/" + e.reason(), Response.Status.NOT_FOUND, "Not found", e.getMessage())
                    .toResponse();
        }
    }
}

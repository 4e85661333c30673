package dev.pgevents.courses;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import dev.pgevents.http.OpenApi;

/**
 * The live courses page at {@code /live/} (src/main/webapp/live, docs/realtime.md). JAX-RS
 * answers every path of this application ({@code @ApplicationPath("/")}), so the container would
 * never serve the page's files itself: this resource hands out exactly those files.
 */
@Path("live")
@ApplicationScoped
@Tag(name = "live", description = "Live read models over Server-Sent Events")
public class LivePage {

    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "live.js", "text/javascript; charset=utf-8",
            "live.css", "text/css; charset=utf-8");

    @Context
    ServletContext servlet;

    /** {@code /live/} is the page; {@code /live} redirects there (the page's relative links need the slash). */
    @GET
    public Response page(@Context UriInfo uri) {
        if (uri.getPath().endsWith("/")) {
            return file("");
        }
        return Response.status(Response.Status.MOVED_PERMANENTLY)
                .location(uri.getBaseUriBuilder().path("live/").build()).build();
    }

    @GET
    @Path("{file: .*}")
    @Extension(name = OpenApi.ERRORS, value = "404")
    public Response file(@PathParam("file") String file) {
        String name = file.isEmpty() ? "index.html" : file;
        String type = FILES.get(name);
        InputStream in = type == null ? null : servlet.getResourceAsStream("/live/" + name);
        if (in == null) {
            throw new NotFoundException("the live page has no file " + name);
        }
        return Response.ok(in, type).header("Cache-Control", "no-cache").build();
    }
}

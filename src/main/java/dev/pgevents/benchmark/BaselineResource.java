package dev.pgevents.benchmark;

import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.sql.SQLException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The HTTP benchmark's baselines, served by the same WAR as the APIs they are compared with:
 * what Liberty, JAX-RS, JSON-B and one SQL statement allow on this machine. {@code POST
 * /benchmark/rows} inserts one row through the JTA data source in a container transaction (the
 * ceiling of a command); {@code GET /benchmark/rows/{id}} selects one row by primary key (the
 * ceiling of a read-model query). Off unless {@code pgevents.benchmark.enabled=true} (environment:
 * {@code PGEVENTS_BENCHMARK_ENABLED}): then both answer 404 and no table is created.
 */
@Path("benchmark/rows")
@Tag(name = "benchmark", description = "Baselines of the HTTP benchmark (one insert, one select by key); 404 unless pgevents.benchmark.enabled")
@ApplicationScoped
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class BaselineResource {

    /** The body of a POST and the answer of a GET. */
    public record Row(String id, String payload) {
    }

    @Inject
    @ConfigProperty(name = "pgevents.benchmark.enabled", defaultValue = "false")
    boolean enabled;

    @Inject
    BaselineRows rows;

    @POST
    public Response insert(Row row) throws SQLException {
        requireEnabled();
        if (row == null || row.id() == null) {
            throw new BadRequestException("a JSON body with an id is required");
        }
        rows.insert(row);
        return Response.created(UriBuilder.fromPath("/benchmark/rows/{id}").build(row.id())).build();
    }

    @GET
    @Path("{id}")
    public Row select(@PathParam("id") String id) throws SQLException {
        requireEnabled();
        return rows.find(id).orElseThrow(() -> new NotFoundException("no row " + id));
    }

    private void requireEnabled() {
        if (!enabled) {
            throw new NotFoundException();
        }
    }
}

package dev.pgevents.platform;

import jakarta.enterprise.context.RequestScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What this server runs on: the PostgreSQL version and the schema migrations applied. */
@Path("api/system")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "system", description = "The database and the schema migrations applied")
public class SystemResource {

    public record Migration(String version, String description, String installedOn, boolean success) {
    }

    public record SystemInfo(String postgresVersion, String database, List<Migration> migrations) {
    }

    @PersistenceContext(unitName = "pgevents")
    EntityManager em;

    /** In a transaction: a JPA session must close before Liberty ends the request's connection scope. */
    @GET
    @Transactional
    public SystemInfo info() {
        Object[] db = (Object[]) em.createNativeQuery(
                "SELECT current_setting('server_version'), current_database()").getSingleResult();
        List<Migration> migrations = em.createQuery(
                        "SELECT m FROM AppliedMigration m ORDER BY m.installedRank", AppliedMigration.class)
                .getResultStream()
                .filter(m -> m.version() != null)
                .map(m -> new Migration(m.version(), m.description(), String.valueOf(m.installedOn()), m.success()))
                .toList();
        return new SystemInfo((String) db[0], (String) db[1], migrations);
    }
}

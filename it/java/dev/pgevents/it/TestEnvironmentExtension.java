package dev.pgevents.it;

import dev.pgevents.devdb.KafkaLocator;
import dev.pgevents.devdb.LibertyVariables;
import dev.pgevents.devdb.PostgresServer;
import dev.pgevents.http.DevelopmentMode;
import dev.pgevents.testsupport.TestDatabase;
import dev.pgevents.testsupport.TestKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.arquillian.container.spi.event.container.BeforeStart;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.LoadableExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;

/**
 * Before Arquillian starts Liberty: derive the test server from the server Maven created (same
 * configuration, its own name, no deployed applications), locate the test PostgreSQL, give the
 * integration tests a fresh database, locate or start a Kafka broker, and point the test server at
 * them and at its own HTTP port. Every archive Arquillian deploys is written uncompressed
 * ({@link UncompressedZipExporter}).
 */
public class TestEnvironmentExtension implements LoadableExtension {

    /** The integration tests' database; a property so that parallel runs on one server keep apart. */
    public static final String DATABASE = System.getProperty("pgevents.it.database", "pgevents_it");

    @Override
    public void register(ExtensionBuilder builder) {
        ShrinkWrap.getDefaultDomain().getConfiguration().getExtensionLoader()
                .addOverride(ZipExporter.class, UncompressedZipExporter.class);
        builder.observer(Provisioner.class);
    }

    public static class Provisioner {
        private static final String[] CONFIG_FILES = {"server.xml", "server.env", "bootstrap.properties", "jvm.options"};

        public void beforeStart(@Observes BeforeStart event) throws Exception {
            PostgresServer server = TestDatabase.server();
            server.recreateDatabase(DATABASE);
            Map<String, String> vars = new LinkedHashMap<>(LibertyVariables.forDatabase(server, DATABASE));
            vars.put("HTTP_PORT", System.getProperty("liberty.it.http.port", "19080"));
            vars.put(KafkaLocator.VARIABLE, TestKafka.broker().bootstrapServers());
            // the tests log in as admin/admin: a developer's machine (server variables reach MicroProfile Config)
            vars.put(DevelopmentMode.PROPERTY, "true");
            Path itServer = Path.of(System.getProperty("liberty.server.dir"));
            copyConfiguration(itServer.resolveSibling(System.getProperty("liberty.source.server", "pgevents")), itServer);
            LibertyVariables.write(itServer, "test-environment.xml", "integration tests on " + server, vars);
        }

        private static void copyConfiguration(Path from, Path to) throws IOException {
            Files.createDirectories(to);
            for (String file : CONFIG_FILES) {
                Path source = from.resolve(file);
                if (Files.exists(source)) {
                    Files.copy(source, to.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}

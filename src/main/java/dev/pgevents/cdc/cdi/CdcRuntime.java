package dev.pgevents.cdc.cdi;

import dev.pgevents.cdc.CdcAdmin;
import dev.pgevents.cdc.CdcSettings;
import dev.pgevents.cdc.ChangeOperator;
import dev.pgevents.cdc.ChangeReader;
import dev.pgevents.cdc.OperatorDefinition;
import dev.pgevents.cdc.ReplicationConnector;
import dev.pgevents.platform.Durations;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.Config;

/**
 * Runs change data capture on this node: finds every {@link ChangeOperator} bean and, when there
 * are some and {@code pgevents.cdc.enabled} (default true), runs a {@link ChangeReader} on a
 * thread of the server's managed thread factory, stopped on undeploy. The replication connection
 * uses the datasource's server variables (DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD).
 * Settings: docs/cdc.md.
 */
@Singleton
@Startup
@DependsOn("SchemaMigrations")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class CdcRuntime {

    private static final Logger LOG = Logger.getLogger(CdcRuntime.class.getName());
    private static final String PREFIX = "pgevents.cdc.";

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource dataSource;

    @Resource
    ManagedThreadFactory threads;

    @Inject
    Instance<ChangeOperator> operatorBeans;

    @Inject
    Config config;

    @Inject
    CdcMetrics metrics;

    private ChangeReader reader;
    private CdcAdmin admin;

    @PostConstruct
    void start() {
        CdcSettings defaults = CdcSettings.defaults();
        CdcSettings settings = new CdcSettings(
                string("slot", defaults.slot()), string("publication", defaults.publication()),
                config.getOptionalValue(PREFIX + "retry.max-attempts", Integer.class).orElse(defaults.maxAttempts()),
                duration("retry.backoff-min", defaults.backoffMin()), duration("retry.backoff-max", defaults.backoffMax()),
                duration("retry-interval", defaults.retryInterval()), duration("status-interval", defaults.statusInterval()));
        List<OperatorDefinition> operators = new ArrayList<>();
        operatorBeans.forEach(o -> operators.add(o.definition()));
        String notRunning = null;
        if (!config.getOptionalValue(PREFIX + "enabled", Boolean.class).orElse(true)) {
            notRunning = "disabled on this node (pgevents.cdc.enabled=false)";
        } else if (operators.isEmpty()) {
            notRunning = "no operators deployed";
        } else {
            reader = new ChangeReader(connector(), dataSource, settings, operators);
            Thread thread = threads.newThread(reader);
            thread.setName("pgevents-cdc-reader");
            thread.start();
        }
        if (notRunning != null) {
            String why = notRunning;
            LOG.info(() -> "CDC does not run: " + why);
        }
        admin = new CdcAdmin(dataSource, settings, operators, reader, notRunning);
        metrics.register(admin, operators.stream().map(OperatorDefinition::name).toList());
    }

    @PreDestroy
    void stop() {
        if (reader != null && !reader.stop(Duration.ofSeconds(30))) {
            LOG.warning("the CDC reader did not stop within 30 s");
        }
    }

    public CdcAdmin admin() {
        return admin;
    }

    private ReplicationConnector connector() {
        return ReplicationConnector.of(string("DB_HOST", "localhost"),
                config.getOptionalValue("DB_PORT", Integer.class).orElse(5432), string("DB_NAME", "pgevents"),
                string("DB_USER", "postgres"), string("DB_PASSWORD", ""));
    }

    private String string(String name, String fallback) {
        String key = name.startsWith("DB_") ? name : PREFIX + name;
        return config.getOptionalValue(key, String.class).orElse(fallback);
    }

    private Duration duration(String name, Duration fallback) {
        return config.getOptionalValue(PREFIX + name, String.class).map(Durations::parse).orElse(fallback);
    }
}

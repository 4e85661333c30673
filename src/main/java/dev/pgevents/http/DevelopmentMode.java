package dev.pgevents.http;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * {@value #PROPERTY} (environment: {@code PGEVENTS_DEV_MODE}): a developer's machine, where the
 * server's default passwords are accepted. The run command and the integration tests set it;
 * anywhere else a login with a default password is refused ({@link BasicAuthentication}).
 */
@ApplicationScoped
public class DevelopmentMode {

    public static final String PROPERTY = "pgevents.dev-mode";

    /** The passwords server.xml gives its users when ADMIN_PASSWORD and EVENTSTORE_PASSWORD are not set. */
    static final Set<String> DEFAULT_PASSWORDS = Set.of("admin", "eventstore");

    private static final Logger LOG = Logger.getLogger(DevelopmentMode.class.getName());

    static boolean enabled() {
        return ConfigProvider.getConfig(DevelopmentMode.class.getClassLoader())
                .getOptionalValue(PROPERTY, Boolean.class).orElse(false);
    }

    void announce(@Observes @Initialized(ApplicationScoped.class) Object started) {
        if (enabled()) {
            LOG.warning("DEVELOPMENT MODE (" + PROPERTY + "=true): logins with the default passwords"
                    + " (admin/admin, eventstore/eventstore) are accepted. Never run like this outside a developer's machine.");
        } else {
            LOG.info("Logins with a default password (admin, eventstore) are refused; set ADMIN_PASSWORD and"
                    + " EVENTSTORE_PASSWORD (or " + PROPERTY + "=true on a developer's machine).");
        }
    }
}

package dev.pgevents.it.realtime;

import dev.pgevents.it.Deployments;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The real WAR with /dcb on (with authentication) and small subscription buffers, so a client
 * that does not read is cut off after a few megabytes; a long cut-off grace, so the test can
 * still read the message saying why.
 */
final class RealtimeDeployments {

    static final int BUFFER_EVENTS = 100;

    private RealtimeDeployments() {
    }

    static WebArchive application() {
        JavaArchive config = ShrinkWrap.create(JavaArchive.class, "realtime-it-config.jar")
                .addAsManifestResource(new StringAsset("config_ordinal=500\n"
                        + "pgevents.dcb.enabled=true\n"
                        + "pgevents.dcb.anonymous=false\n"
                        + "pgevents.subscription.buffer-events=" + BUFFER_EVENTS + "\n"
                        + "pgevents.subscription.heartbeat=1s\n"
                        + "pgevents.subscription.cut-off-grace=60s\n"), "microprofile-config.properties");
        return Deployments.application().addAsLibrary(config);
    }
}

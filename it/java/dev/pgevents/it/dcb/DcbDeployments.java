package dev.pgevents.it.dcb;

import dev.pgevents.it.Deployments;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The real WAR plus a jar holding a META-INF/microprofile-config.properties with a high ordinal:
 * the /dcb switches of one test class, without touching the shared IT server configuration.
 */
final class DcbDeployments {

    private DcbDeployments() {
    }

    static WebArchive withApi(boolean anonymous) {
        JavaArchive config = ShrinkWrap.create(JavaArchive.class, "dcb-it-config.jar")
                .addAsManifestResource(new StringAsset("config_ordinal=500\n"
                        + "pgevents.dcb.enabled=true\n"
                        + "pgevents.dcb.anonymous=" + anonymous + "\n"), "microprofile-config.properties");
        return Deployments.application().addAsLibrary(config);
    }
}

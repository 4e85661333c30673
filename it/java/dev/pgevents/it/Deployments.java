package dev.pgevents.it;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR that Maven built, deployed as it is: tests run against the real artifact. */
public final class Deployments {

    private Deployments() {
    }

    public static WebArchive application() {
        File war = new File(System.getProperty("war.file", "target/pgevents.war"));
        // Its own name, so it never collides with the application that server.xml names.
        return ShrinkWrap.create(ZipImporter.class, "pgevents-it.war").importFrom(war).as(WebArchive.class);
    }
}

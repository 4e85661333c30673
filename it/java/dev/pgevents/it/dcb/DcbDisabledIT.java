package dev.pgevents.it.dcb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.it.Deployments;
import dev.pgevents.it.Http;
import java.net.URL;
import java.net.http.HttpResponse;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The WAR as built, with no configuration: the /dcb API is off. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DcbDisabledIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @ArquillianResource
    URL base;

    @Test
    void everyDcbPathIs404WhenTheApiIsNotEnabledEvenWithCredentials() {
        for (DcbClient client : new DcbClient[] {DcbClient.anonymous(base), new DcbClient(base, "eventstore", "eventstore")}) {
            assertDisabled(client.read("{\"items\":[]}", null));
            assertDisabled(client.append("{\"events\":[{\"type\":\"T\",\"tags\":[],\"data\":\"x\"}]}"));
            assertDisabled(client.get("no-such-thing"));
        }
        assertDisabled(new Http(base).serverRoot().get("dcb;x=1/read?query=%7B%22items%22%3A%5B%5D%7D"));
    }

    private static void assertDisabled(HttpResponse<String> r) {
        assertEquals(404, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
        assertTrue(r.body().contains("pgevents.dcb.enabled"), r.body());
    }
}

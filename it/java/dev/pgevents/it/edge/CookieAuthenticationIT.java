package dev.pgevents.it.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.pgevents.it.Deployments;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cross-site request forgery: a Basic login must not leave a cookie that alone authenticates a
 * state-changing request (a foreign site's form makes a browser send cookies, never credentials).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CookieAuthenticationIT {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Deployment(testable = false)
    static WebArchive deployment() {
        JavaArchive config = ShrinkWrap.create(JavaArchive.class, "csrf-it-config.jar")
                .addAsManifestResource(new StringAsset("config_ordinal=500\npgevents.dcb.enabled=true\n"),
                        "microprofile-config.properties");
        return Deployments.application().addAsLibrary(config);
    }

    @ArquillianResource
    URL base;

    @Test
    void anAdminPostWithOnlyTheCookiesOfABasicLoginIsUnauthorized() throws Exception {
        assertCookiesAloneAreUnauthorized("admin", "admin", "api/admin/listeners/no-such-listener/pause", "", 404);
    }

    @Test
    void aDcbAppendWithOnlyTheCookiesOfABasicLoginIsUnauthorized() throws Exception {
        assertCookiesAloneAreUnauthorized("eventstore", "eventstore", "dcb/append", "{\"events\":[]}", 400);
    }

    private void assertCookiesAloneAreUnauthorized(
            String user, String password, String path, String body, int authenticatedStatus) throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> login = CLIENT.send(post(path, body).header("Authorization", basic).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(authenticatedStatus, login.statusCode(), login.body());
        List<String> setCookies = login.headers().allValues("Set-Cookie");
        assertFalse(setCookies.stream().anyMatch(c -> c.startsWith("LtpaToken2=")), "no single sign-on cookie: " + setCookies);

        String cookies = setCookies.stream().map(c -> c.split(";", 2)[0]).collect(Collectors.joining("; "));
        HttpRequest.Builder forged = post(path, body);
        if (!cookies.isEmpty()) {
            forged.header("Cookie", cookies);
        }
        HttpResponse<String> answer = CLIENT.send(forged.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, answer.statusCode(), "cookies " + setCookies + " authenticated: " + answer.body());
    }

    private HttpRequest.Builder post(String path, String body) {
        return HttpRequest.newBuilder(URI.create(base.toString()).resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }
}

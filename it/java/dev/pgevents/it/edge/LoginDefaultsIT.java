package dev.pgevents.it.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.it.Deployments;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Outside development mode a default password is refused (503 naming what to set), and repeated
 * failed logins get 429 with Retry-After. This deployment turns development mode off, which the
 * other integration tests have on.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LoginDefaultsIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application().addClass(DevelopmentModeOff.class)
                .addAsResource(new StringAsset(DevelopmentModeOff.class.getName()),
                        "META-INF/services/org.eclipse.microprofile.config.spi.ConfigSource");
    }

    /** Above the server's variables (ordinal 500): not a developer's machine. */
    public static class DevelopmentModeOff implements ConfigSource {
        @Override
        public Set<String> getPropertyNames() {
            return Set.of("pgevents.dev-mode");
        }

        @Override
        public String getValue(String propertyName) {
            return "pgevents.dev-mode".equals(propertyName) ? "false" : null;
        }

        @Override
        public String getName() {
            return "edge-login-defaults-it";
        }

        @Override
        public int getOrdinal() {
            return 900;
        }
    }

    @ArquillianResource
    URL base;

    @Test
    void aDefaultPasswordIsRefusedOutsideDevelopmentMode() throws Exception {
        Answer answer = get("127.0.0.1", "api/admin/listeners", "admin", "admin");
        assertEquals(503, answer.status(), answer.raw());
        assertTrue(answer.header("content-type").startsWith("application/problem+json"), answer.raw());
        assertTrue(answer.body().contains("default password") && answer.body().contains("ADMIN_PASSWORD"), answer.raw());
    }

    @Test
    void repeatedFailedLoginsFromOneAddressAre429WithRetryAfter() throws Exception {
        // from an address of its own, so the other tests' logins from 127.0.0.1 are not throttled
        String address = "127.0.0.7";
        for (int i = 0; i < 5; i++) {
            Answer answer = get(address, "api/admin/listeners", "guess" + i, "wrong");
            assertEquals(401, answer.status(), "failure " + (i + 1) + ": " + answer.raw());
        }
        Answer throttled = get(address, "api/admin/listeners", "admin", "admin");
        assertEquals(429, throttled.status(), throttled.raw());
        assertTrue(throttled.header("content-type").startsWith("application/problem+json"), throttled.raw());
        int retryAfter = Integer.parseInt(throttled.header("retry-after"));
        assertTrue(retryAfter > 0 && retryAfter <= 60, throttled.raw());
        assertTrue(throttled.body().contains("\"status\":429"), throttled.raw());
    }

    record Answer(int status, Map<String, String> headers, String body, String raw) {
        String header(String name) {
            return headers.getOrDefault(name, "");
        }
    }

    /** A GET over a socket bound to {@code localAddress} (java.net.http cannot choose its source address on Java 17). */
    private Answer get(String localAddress, String path, String user, String password) throws IOException {
        String credentials = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(30_000);
            socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), base.getPort()), 5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + base.getPath() + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic " + credentials
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String raw = all.toString(StandardCharsets.UTF_8);
            int split = raw.indexOf("\r\n\r\n");
            String[] head = raw.substring(0, split).split("\r\n");
            Map<String, String> headers = new java.util.HashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                headers.put(head[i].substring(0, colon).trim().toLowerCase(), head[i].substring(colon + 1).trim());
            }
            return new Answer(Integer.parseInt(head[0].split(" ")[1]), headers, raw.substring(split + 4), raw);
        }
    }
}

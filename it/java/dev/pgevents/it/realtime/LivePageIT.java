package dev.pgevents.it.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.it.Await;
import dev.pgevents.it.Http;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The live page in a real browser (headless Debian Chromium over WebDriver): the board shows a
 * course, a student subscribes through the API, and the board's free seats change within a
 * second. A screenshot goes to target/live-page.png.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LivePageIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return RealtimeDeployments.application();
    }

    @ArquillianResource
    URL base;

    @Test
    void theBoardShowsASubscriptionWithinASecond() throws Exception {
        Http http = new Http(base).serverRoot();
        String course = "live-" + UUID.randomUUID().toString().substring(0, 8);
        String student = course + "-ada";
        long defined = CourseChangesIT.position(http.post("/api/courses", "application/json",
                "{\"courseId\":\"" + course + "\",\"name\":\"Live algebra\",\"capacity\":3}"));
        CourseChangesIT.position(http.post("/api/students", "application/json",
                "{\"studentId\":\"" + student + "\",\"name\":\"Ada\"}"));
        http.get("/api/courses/" + course + "?minPosition=" + defined);

        ChromeDriver browser = Chromium.start(Path.of("target"));
        try {
            browser.get(base.toURI().resolve("/live/").toString());
            Await.until("the board shows the course with 3 free seats", Duration.ofSeconds(30),
                    () -> "3".equals(seats(browser, course)));
            Await.until("the page is live", Duration.ofSeconds(10),
                    () -> "live".equals(browser.findElement(By.id("status")).getText()));

            CourseChangesIT.position(http.post("/api/courses/" + course + "/subscriptions", "application/json",
                    "{\"studentId\":\"" + student + "\"}"));
            Await.until("the board shows 2 free seats within a second of the subscription", Duration.ofSeconds(1),
                    () -> "2".equals(seats(browser, course)));
            assertTrue(browser.findElement(By.id("feed")).getText().contains(course + ": 2 of 3 seats free"));

            Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, Path.of("target", "live-page.png"), StandardCopyOption.REPLACE_EXISTING);
        } finally {
            browser.quit();
        }
    }

    @Test
    void thePageIsServedAtLiveSlashAndNothingElseUnderLive() {
        Http http = new Http(base).serverRoot();
        HttpResponse<String> page = http.get("/live/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<script src=\"live.js\">"), page.body());
        assertEquals(200, http.get("/live/live.js").statusCode());
        HttpResponse<String> redirect = http.get("/live");
        assertTrue(List.of(200, 301).contains(redirect.statusCode()), redirect.statusCode() + " " + redirect.body());
        assertEquals(404, http.get("/live/nothing.html").statusCode());
    }

    /**
     * The free seats the board shows for the course, or null while it has no row: read in one
     * script, since the board replaces its rows at every change (a found element can go stale).
     */
    private static String seats(ChromeDriver browser, String course) {
        return (String) browser.executeScript("const cell = document.querySelector(arguments[0]);"
                + " return cell ? cell.textContent : null;", "tr[data-course-id='" + course + "'] td.seats");
    }
}

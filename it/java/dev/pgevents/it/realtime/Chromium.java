package dev.pgevents.it.realtime;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven by its chromedriver (packages chromium and chromium-driver).
 * When they are missing and this process may install packages (root, apt-get present), they are
 * installed with apt-get first, and the choice is logged; a browser download by a test tool is
 * not possible here (only Maven Central, Debian and npm are reachable).
 */
final class Chromium {

    static final File BROWSER = new File("/usr/bin/chromium");
    static final File DRIVER = new File("/usr/bin/chromedriver");

    private Chromium() {
    }

    /** A fresh headless browser with a profile of its own. */
    static ChromeDriver start(Path profiles) throws IOException, InterruptedException {
        ensureInstalled();
        Path profile = Files.createDirectories(profiles.resolve("chromium-" + UUID.randomUUID()));
        ChromeOptions options = new ChromeOptions().setBinary(BROWSER).addArguments(List.of(
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900", "--user-data-dir=" + profile));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    static synchronized void ensureInstalled() throws IOException, InterruptedException {
        if (BROWSER.canExecute() && DRIVER.canExecute()) {
            System.out.println("browser test: using " + BROWSER + " and " + DRIVER);
            return;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root || !new File("/usr/bin/apt-get").canExecute()) {
            throw new AssertionError("the browser test needs Debian's chromium and chromium-driver (" + BROWSER + ", " + DRIVER
                    + "); install them: apt-get install -y chromium chromium-driver");
        }
        System.out.println("browser test: " + BROWSER + " or " + DRIVER + " is missing: installing Debian's chromium and"
                + " chromium-driver with apt-get");
        Process p = new ProcessBuilder("apt-get", "install", "-y", "chromium", "chromium-driver").inheritIO().start();
        int exit = p.waitFor();
        if (exit != 0 || !BROWSER.canExecute() || !DRIVER.canExecute()) {
            throw new AssertionError("apt-get install -y chromium chromium-driver failed (exit " + exit + ")");
        }
    }
}

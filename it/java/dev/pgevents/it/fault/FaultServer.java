package dev.pgevents.it.fault;

import dev.pgevents.devdb.LibertyVariables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The application on an Open Liberty server of its own, derived from the server Maven created
 * (same configuration files, the built WAR in dropins, its variables in configDropins/overrides),
 * run in the foreground as a child process ({@code bin/server run} execs the JVM), so that it can
 * be killed with SIGKILL and started again. Also used by the CDC suite (dev.pgevents.it.cdc).
 */
public final class FaultServer implements AutoCloseable {

    private static final String[] CONFIG_FILES = {"server.xml", "server.env", "bootstrap.properties", "jvm.options"};
    /** Client JIT and serial GC: a restart in a few seconds on 2 cores (see platform-notes). */
    private static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m");

    private final Path wlp;
    private final String name;
    private final Path serverDir;
    private final int httpPort;
    private final Map<String, String> environment;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private int starts;

    /**
     * Creates (or recreates) the server {@code name} beside {@code sourceServer}: its configuration
     * files, {@code war} in dropins (WEB-INF/ibm-web-ext.xml puts it at the root context),
     * {@code variables} as server variables and {@code environment} in the process environment.
     */
    public FaultServer(Path sourceServer, String name, Path war, int httpPort, Map<String, String> variables,
                Map<String, String> environment) {
        this.wlp = sourceServer.getParent().getParent().getParent();
        this.name = name;
        this.serverDir = sourceServer.resolveSibling(name);
        this.httpPort = httpPort;
        this.environment = environment;
        try {
            ThrowawayPostgres.deleteRecursively(serverDir);
            Files.createDirectories(serverDir.resolve("dropins"));
            for (String file : CONFIG_FILES) {
                Path source = sourceServer.resolve(file);
                if (Files.exists(source)) {
                    Files.copy(source, serverDir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            // later options win: appended after the copied ones
            Files.write(serverDir.resolve("jvm.options"), JVM_OPTIONS,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            Files.copy(war, serverDir.resolve("dropins").resolve("pgevents.war"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create server " + serverDir, e);
        }
        LibertyVariables.write(serverDir, "fault-environment.xml", "fault-injection suite", variables);
    }

    public URI baseUri() {
        return URI.create("http://localhost:" + httpPort + "/");
    }

    /** Starts the server in the foreground; its console goes to logs/console-N.log. */
    public void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("server " + name + " is already running");
        }
        starts++;
        ProcessBuilder builder = new ProcessBuilder(wlp.resolve("bin").resolve("server").toString(), "run", name)
                .redirectErrorStream(true)
                .redirectOutput(consoleLog(starts).toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(environment);
        try {
            Files.createDirectories(consoleLog(starts).getParent());
            // this start's messages.log only (the earlier one kept beside it), so it tells whether this start failed
            Path messages = serverDir.resolve("logs").resolve("messages.log");
            if (Files.exists(messages)) {
                Files.move(messages, messages.resolveSibling("messages-before-start-" + starts + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start server " + name, e);
        }
    }

    /** Polls /health/ready until it answers 200; fails with the log's tail if the deadline passes or the JVM dies. */
    public Duration awaitReady(Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("server " + name + " exited with " + process.exitValue()
                        + " before it was ready\n" + logTail(40));
            }
            if (applicationFailedToStart()) {
                throw new AssertionError("the application on server " + name + " failed to start\n" + logTail(40));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(baseUri().resolve("health/ready"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Waits.pause(Duration.ofMillis(200));
        }
        throw new AssertionError("server " + name + " not ready within " + timeout.toSeconds() + " s (last answer: "
                + last + ")\n" + logTail(40));
    }

    /**
     * SIGKILL to the server's JVM and any process below it, then checks that none of them is
     * left: a kill of a wrapper alone would leave the server serving.
     */
    public void kill() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("process " + p.pid() + " of server " + name + " survived SIGKILL", e);
            }
        }
        List<Long> alive = tree.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
        if (!alive.isEmpty()) {
            throw new AssertionError("processes of server " + name + " survived SIGKILL: " + alive);
        }
        process = null;
    }

    /** CWWKZ0002E in messages.log (this start's): the application will not become ready. */
    private boolean applicationFailedToStart() {
        Path messages = serverDir.resolve("logs").resolve("messages.log");
        try {
            return Files.exists(messages) && Files.readString(messages).contains("CWWKZ0002E");
        } catch (IOException e) {
            return false;
        }
    }

    /** The last lines of messages.log (or of the console when there is no log yet). */
    public String logTail(int lines) {
        Path messages = serverDir.resolve("logs").resolve("messages.log");
        Path file = Files.exists(messages) ? messages : consoleLog(starts);
        try {
            List<String> all = Files.readAllLines(file);
            return file + ":\n" + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(could not read " + file + ": " + e.getMessage() + ")";
        }
    }

    public Path serverDir() {
        return serverDir;
    }

    private Path consoleLog(int start) {
        return serverDir.resolve("logs").resolve("console-" + start + ".log");
    }

    @Override
    public void close() {
        kill();
    }
}

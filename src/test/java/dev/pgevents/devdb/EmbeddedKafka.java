package dev.pgevents.devdb;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node KRaft broker (broker and controller in one, Kafka from Maven Central): storage
 * formatted once, then started inside this JVM (the tests), or in a JVM of its own (the run
 * command: Maven's exec:java closes the class loader of a step once the step returns, which stops
 * a broker living in it).
 */
final class EmbeddedKafka {

    private static final Logger LOG = Logger.getLogger(EmbeddedKafka.class.getName());
    /** Fixed, so that a data directory formatted by an earlier run is started again. */
    private static final String CLUSTER_ID = "cGdldmVudHMta2Fma2EtMQ";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private EmbeddedKafka() {
    }

    /**
     * The broker's own JVM: {@code <data directory> <port>}. It runs until its standard input
     * closes (the command that started it ended, however it ended), then stops cleanly.
     */
    public static void main(String[] args) throws IOException {
        start(Path.of(args[0]), Integer.parseInt(args[1]), true);
        while (System.in.read() >= 0) {
            // nothing is sent: end of input is the signal
        }
        System.exit(0);
    }

    /**
     * Starts a broker in a child JVM on localhost:{@code port} and waits until it accepts
     * connections; it stops with this JVM (a shutdown hook, and its standard input closing if this
     * JVM is killed). Its output goes to {@code <data directory>.log}.
     */
    static KafkaBroker startProcess(Path dataDir, int port) {
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classPath(), EmbeddedKafka.class.getName(), dataDir.toAbsolutePath().toString(),
                Integer.toString(port));
        Process process;
        try {
            Files.createDirectories(dataDir.toAbsolutePath().getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Kafka broker's JVM", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            process.destroy(); // SIGTERM: the broker's own shutdown hook stops it cleanly
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "embedded-kafka-stop"));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the embedded Kafka broker did not start within " + START_TIMEOUT.toSeconds()
                        + " s; its output is in " + log);
            }
            try {
                Thread.sleep(200); // polling the port with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting Kafka", e);
            }
        }
        return new KafkaBroker("localhost:" + port, "embedded Kafka broker in its own JVM, data in " + dataDir
                + ", log in " + log);
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The class path this class was loaded from: exec:java's class loader, else the JVM's. */
    private static String classPath() {
        if (EmbeddedKafka.class.getClassLoader() instanceof URLClassLoader loader) {
            List<String> entries = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException e) {
                    throw new IllegalStateException("class path entry " + url, e);
                }
            }
            return String.join(File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    /**
     * Starts a broker listening on localhost:{@code port} with its data in {@code dataDir}.
     *
     * @param graceful whether the JVM's exit waits for a clean shutdown (a run keeps its data;
     *                 a test's broker is thrown away)
     */
    static KafkaBroker start(Path dataDir, int port, boolean graceful) {
        int controllerPort = freePort();
        Properties props = new Properties();
        props.setProperty("process.roles", "broker,controller");
        props.setProperty("node.id", "1");
        props.setProperty("controller.quorum.voters", "1@localhost:" + controllerPort);
        props.setProperty("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        props.setProperty("advertised.listeners", "PLAINTEXT://localhost:" + port);
        props.setProperty("controller.listener.names", "CONTROLLER");
        props.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.setProperty("inter.broker.listener.name", "PLAINTEXT");
        props.setProperty("log.dirs", dataDir.toAbsolutePath().toString());
        props.setProperty("offsets.topic.replication.factor", "1");
        props.setProperty("offsets.topic.num.partitions", "5");
        props.setProperty("transaction.state.log.replication.factor", "1");
        props.setProperty("transaction.state.log.min.isr", "1");
        props.setProperty("share.coordinator.state.topic.replication.factor", "1");
        props.setProperty("share.coordinator.state.topic.min.isr", "1");
        props.setProperty("group.initial.rebalance.delay.ms", "0");
        props.setProperty("num.partitions", "1");
        try {
            Files.createDirectories(dataDir);
            Path config = dataDir.resolveSibling(dataDir.getFileName() + ".properties");
            try (var out = Files.newOutputStream(config)) {
                props.store(out, "embedded Kafka broker of pgevents (generated)");
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int formatted = StorageTool.execute(new String[] {"format", "-t", CLUSTER_ID, "-c", config.toString(),
                    "--ignore-formatted"}, new PrintStream(output, true, StandardCharsets.UTF_8));
            if (formatted != 0) {
                throw new IllegalStateException("could not format Kafka storage in " + dataDir + ": "
                        + output.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare Kafka storage in " + dataDir, e);
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        startOutsideCallersThreadGroup(server);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            if (graceful) {
                server.awaitShutdown();
            }
        }, "embedded-kafka-stop"));
        return new KafkaBroker("localhost:" + port, "embedded Kafka broker, data in " + dataDir);
    }

    /**
     * The broker's threads are created in the thread group of the thread that starts it. Maven's
     * exec:java waits for every non-daemon thread of its own group before it goes on to start
     * Liberty, so the broker starts from a thread of the top-level group.
     */
    private static void startOutsideCallersThreadGroup(KafkaRaftServer server) {
        ThreadGroup top = Thread.currentThread().getThreadGroup();
        while (top.getParent() != null) {
            top = top.getParent();
        }
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread starter = new Thread(top, () -> {
            try {
                server.startup();
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "embedded-kafka-start");
        starter.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting Kafka", e);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the embedded Kafka broker did not start: " + failure.get().getMessage(), failure.get());
        }
        LOG.fine("embedded Kafka broker started");
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}

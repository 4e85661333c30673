package dev.pgevents.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of a server process on this machine, by thread group, from /proc (Linux): the request
 * and listener threads (Liberty's "Default Executor"), the JIT compilers (HotSpot's thread names;
 * OpenJ9's would count as the rest), and the rest. A benchmark takes a snapshot before and after a
 * phase and divides the difference by the requests served, so a command's cost is seen on the
 * server itself and not only as a ratio of throughputs.
 */
record ServerCpu(long total, Map<Long, ThreadTime> threads) {

    /** One thread's group and CPU ticks. */
    record ThreadTime(String group, long ticks) {
    }

    /** Linux's USER_HZ: clock ticks per second in /proc/.../stat. */
    private static final double TICKS_PER_SECOND = 100;

    static ServerCpu of(long pid) {
        Path process = Path.of("/proc", Long.toString(pid));
        Map<Long, ThreadTime> threads = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(process.resolve("task"))) {
            tasks.forEach(task -> {
                try {
                    threads.put(Long.parseLong(task.getFileName().toString()),
                            new ThreadTime(group(Files.readString(task.resolve("comm")).strip()), ticks(task)));
                } catch (IOException | RuntimeException e) {
                    // the thread ended between the listing and the read: the process total still has its time
                }
            });
            return new ServerCpu(ticks(process), threads);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new IllegalStateException("cannot read the CPU time of process " + pid + " in /proc: " + e, e);
        }
    }

    /** utime + stime of a process (its ended threads included) or of one thread. */
    private static long ticks(Path stat) throws IOException {
        String line = Files.readString(stat.resolve("stat"));
        // the fields after the command's closing parenthesis (a command may hold spaces): the
        // first is the state, the 3rd field of stat; utime is the 14th, stime the 15th
        String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static String group(String comm) {
        if (comm.startsWith("Default Executo")) {
            return "executor";
        }
        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            return "jit";
        }
        return "other";
    }

    /**
     * Microseconds of CPU per request since {@code before}: the process's, then its executor
     * threads' and its JIT compilers' (a thread that ended meanwhile counts in the total and in
     * "other" only).
     */
    String perRequestSince(ServerCpu before, long requests) {
        long executor = 0;
        long jit = 0;
        for (Map.Entry<Long, ThreadTime> t : threads.entrySet()) {
            ThreadTime earlier = before.threads.get(t.getKey());
            long spent = t.getValue().ticks() - (earlier == null ? 0 : earlier.ticks());
            switch (t.getValue().group()) {
                case "executor" -> executor += spent;
                case "jit" -> jit += spent;
                default -> { }
            }
        }
        long all = total - before.total;
        return String.format("server CPU us/request: %.0f (executor threads %.0f, JIT compilers %.0f, other %.0f)",
                micros(all, requests), micros(executor, requests), micros(jit, requests), micros(all - executor - jit, requests));
    }

    private static double micros(long ticks, long requests) {
        return requests == 0 ? 0 : ticks / TICKS_PER_SECOND * 1e6 / requests;
    }
}

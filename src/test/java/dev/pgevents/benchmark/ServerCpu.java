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

    /** The thread's group: executor, jit, or its name without numbers (GC threads, timers, pollers). */
    private static String group(String comm) {
        if (comm.startsWith("Default Executo")) {
            return "executor";
        }
        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            return "jit";
        }
        return comm.replaceAll("[#-]?[0-9]+", "").strip();
    }

    /**
     * Microseconds of CPU per request since {@code before}: the process's, then its executor
     * threads', its JIT compilers' and the rest's, the rest's three largest groups named (a thread
     * that ended meanwhile counts in the total and in "other" only).
     */
    String perRequestSince(ServerCpu before, long requests) {
        Map<String, Long> byGroup = spentByGroupSince(before);
        long executor = byGroup.getOrDefault("executor", 0L);
        long jit = byGroup.getOrDefault("jit", 0L);
        long all = total - before.total;
        String largestOthers = byGroup.entrySet().stream()
                .filter(g -> !g.getKey().equals("executor") && !g.getKey().equals("jit") && g.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(3)
                .map(g -> String.format("%s %.0f", g.getKey(), micros(g.getValue(), requests)))
                .collect(java.util.stream.Collectors.joining(", "));
        return String.format("server CPU us/request: %.0f (executor threads %.0f, JIT compilers %.0f, other %.0f: %s)",
                micros(all, requests), micros(executor, requests), micros(jit, requests), micros(all - executor - jit, requests),
                largestOthers);
    }

    /** Ticks spent since {@code before} by each group of the threads alive now. */
    private Map<String, Long> spentByGroupSince(ServerCpu before) {
        Map<String, Long> byGroup = new TreeMap<>();
        for (Map.Entry<Long, ThreadTime> t : threads.entrySet()) {
            ThreadTime earlier = before.threads.get(t.getKey());
            byGroup.merge(t.getValue().group(), t.getValue().ticks() - (earlier == null ? 0 : earlier.ticks()), Long::sum);
        }
        return byGroup;
    }

    /** The JIT compilers' share of the server's CPU since {@code before}. */
    String jitShareSince(ServerCpu before) {
        long jit = spentByGroupSince(before).getOrDefault("jit", 0L);
        long all = total - before.total;
        return String.format("JIT compilers %.1f s of the server's %.1f s of CPU (%.0f%%)", jit / TICKS_PER_SECOND,
                all / TICKS_PER_SECOND, all == 0 ? 0 : 100.0 * jit / all);
    }

    /**
     * The rest of the machine, beside the server: PostgreSQL's processes (every process named
     * postgres: the server's backends, and the WAL writer and checkpointer their commits wake), this
     * load client, and all CPUs' busy time (anything else running shows as the difference).
     */
    record Machine(long postgresTicks, long clientNanos, long busyTicks) {

        static Machine now() {
            long postgres = 0;
            try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
                for (Path p : (Iterable<Path>) processes.filter(p -> p.getFileName().toString().matches("[0-9]+"))::iterator) {
                    try {
                        if (Files.readString(p.resolve("comm")).strip().equals("postgres")) {
                            postgres += ticks(p);
                        }
                    } catch (IOException | RuntimeException e) {
                        // ended meanwhile, or not ours to read
                    }
                }
                // /proc/stat's first line: cpu user nice system idle iowait irq softirq steal ...
                String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long busy = 0;
                for (int i = 1; i <= 8 && i < cpu.length; i++) {
                    busy += i == 4 || i == 5 ? 0 : Long.parseLong(cpu[i]);
                }
                long client = ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
                return new Machine(postgres, client, busy);
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new IllegalStateException("cannot read the machine's CPU time in /proc: " + e, e);
            }
        }

        String perRequestSince(Machine before, ServerCpu server, ServerCpu serverBefore, long requests) {
            return String.format("machine CPU us/request: %.0f busy (server %.0f, PostgreSQL %.0f, load client %.0f)",
                    micros(busyTicks - before.busyTicks, requests), micros(server.total - serverBefore.total, requests),
                    micros(postgresTicks - before.postgresTicks, requests),
                    requests == 0 ? 0 : (clientNanos - before.clientNanos) / 1e3 / requests);
        }
    }

    private static double micros(long ticks, long requests) {
        return requests == 0 ? 0 : ticks / TICKS_PER_SECOND * 1e6 / requests;
    }
}

package dev.customtransport.microbench.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Counts the syscalls of one thread with {@code perf stat} on the kernel's syscall tracepoints (exact counts, not
 * samples). The counters start disabled and the load generator enables them for exactly its measurement window
 * through perf's control fifos. Optional: when perf is missing or not allowed, {@link #probe} says why.
 */
final class PerfCounter {
    static final String TOTAL = "raw_syscalls:sys_enter";
    /** Per-syscall tracepoints, grouped into the columns of the table. */
    static final Map<String, List<String>> GROUPS = new LinkedHashMap<>();

    static {
        GROUPS.put("recv", List.of("read", "readv", "recvfrom", "recvmsg"));
        GROUPS.put("send", List.of("write", "writev", "sendto", "sendmsg"));
        GROUPS.put("wait", List.of("epoll_wait", "epoll_pwait", "epoll_pwait2", "io_uring_enter"));
        GROUPS.put("ctl", List.of("epoll_ctl"));
    }

    /** Counted too, so that "other" can be explained (in results.json): connection set-up and tear-down, locks. */
    static final List<String> OTHERS = List.of("accept4", "accept", "close", "shutdown", "setsockopt", "getsockopt",
            "getsockname", "getpeername", "fcntl", "ioctl", "futex", "sched_yield", "madvise", "mprotect");

    private final List<String> events;

    private PerfCounter(List<String> events) {
        this.events = events;
    }

    /** A working counter, or null with the reason in {@code why[0]}. */
    static PerfCounter probe(String[] why) {
        List<String> events = new ArrayList<>();
        events.add(TOTAL);
        for (List<String> names : GROUPS.values()) {
            for (String n : names) {
                events.add("syscalls:sys_enter_" + n);
            }
        }
        for (String n : OTHERS) {
            events.add("syscalls:sys_enter_" + n);
        }
        try {
            Process p = new ProcessBuilder("perf", "stat", "-x,", "-e", String.join(",", events), "--", "true")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                // Some kernels lack a tracepoint (epoll_pwait2 before 5.11): fall back to the total alone.
                Process total = new ProcessBuilder("perf", "stat", "-x,", "-e", TOTAL, "--", "true")
                        .redirectErrorStream(true).start();
                String totalOut = new String(total.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!total.waitFor(30, TimeUnit.SECONDS) || total.exitValue() != 0) {
                    why[0] = "perf stat -e " + TOTAL + " failed: " + firstLine(totalOut.isEmpty() ? out : totalOut);
                    return null;
                }
                return new PerfCounter(List.of(TOTAL));
            }
            return new PerfCounter(events);
        } catch (IOException e) {
            why[0] = "perf not found (" + e.getMessage() + ")";
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why[0] = "interrupted";
            return null;
        }
    }

    private static String firstLine(String s) {
        String t = s.trim();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    /** The perf command a session runs, for the record. */
    String commandLine(String tid) {
        return "perf stat -x, -I " + Session.INTERVAL_MS + " -e " + String.join(",", events) + " -t " + tid
                + " --control fifo:CTL,ACK -D -1 -o OUT";
    }

    boolean hasBreakdown() {
        return events.size() > 1;
    }

    /**
     * perf attached to one server's I/O thread for a whole round, its counters off except inside the windows the
     * load generator opens. Opening a syscall tracepoint costs perf tens of milliseconds, so one session serves
     * every cell of the round; it prints what it counted every {@link #INTERVAL_MS} ms, and a cell's counts are
     * the sum of what was printed after the cell started (all zero outside its window).
     */
    final class Session implements AutoCloseable {
        static final int INTERVAL_MS = 200;
        final Path ctl;
        final Path ack;
        private final Path out;
        private final Process process;

        private Session(Path dir, String name, long tid) throws IOException, InterruptedException {
            ctl = dir.resolve("perf-" + name + ".ctl");
            ack = dir.resolve("perf-" + name + ".ack");
            out = dir.resolve("perf-" + name + ".csv");
            for (Path f : List.of(ctl, ack, out)) {
                Files.deleteIfExists(f);
            }
            for (Path f : List.of(ctl, ack)) {
                Process mk = new ProcessBuilder("mkfifo", f.toString()).inheritIO().start();
                if (!mk.waitFor(10, TimeUnit.SECONDS) || mk.exitValue() != 0) {
                    throw new IOException("mkfifo " + f + " failed");
                }
            }
            Files.createFile(out);
            process = new ProcessBuilder("perf", "stat", "-x,", "-I", Integer.toString(INTERVAL_MS), "-e",
                    String.join(",", events), "-t", Long.toString(tid), "--control", "fifo:" + ctl + "," + ack,
                    "-D", "-1", "-o", out.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("perf-" + name + ".log").toFile()).start();
        }

        /** Where the next cell's counts will start. */
        long mark() throws IOException {
            return Files.size(out);
        }

        /** The counts printed since {@code mark}, per event, once perf has printed the last interval. */
        Map<String, Long> countsSince(long mark) throws IOException, InterruptedException {
            if (!process.isAlive()) {
                throw new IOException("perf stat exited; see its log beside the results");
            }
            Thread.sleep(INTERVAL_MS + 150);
            byte[] all = Files.readAllBytes(out);
            String text = new String(all, (int) mark, all.length - (int) mark, StandardCharsets.US_ASCII);
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String line : text.split("\n")) {
                String[] f = line.trim().split(",");
                if (f.length < 4 || line.startsWith("#")) {
                    continue;
                }
                long v;
                try {
                    v = Long.parseLong(f[1]);
                } catch (NumberFormatException e) {
                    v = 0; // "<not counted>": disabled during that interval
                }
                counts.merge(f[3].replace("syscalls:sys_enter_", ""), v, Long::sum);
            }
            return counts;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    Session attach(Path dir, String name, long tid) throws IOException, InterruptedException {
        return new Session(dir, name, tid);
    }
}

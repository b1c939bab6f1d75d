package dev.customtransport.microbench.compare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one cell, one server x one scenario in one round: lets the server settle, runs the load generator (which
 * opens the server's perf counters for its window when the round counts syscalls), and turns the figures into
 * per-message ones.
 */
final class CellRunner {
    private final LoadGenerator load;
    private final PerfCounter perf;
    private final Path dir;
    private final int idleConns;
    private final int idleMs;

    CellRunner(LoadGenerator load, PerfCounter perf, Path dir, int idleConns, int idleMs) {
        this.load = load;
        this.perf = perf;
        this.dir = dir;
        this.idleConns = idleConns;
        this.idleMs = idleMs;
    }

    /** {@code session}: the server's perf session when this round counts syscalls, else null. */
    Results.Sample run(ServerProcess server, Scenario scenario, int round, int warmupMs, int durationMs,
                       PerfCounter.Session session, boolean perfOnly) throws IOException, InterruptedException {
        return run(server, scenario, round, warmupMs, durationMs, session, perfOnly, idleConns);
    }

    /** The same with {@code idleConns} idle connections in the idle scenario (the warm-up round uses fewer). */
    Results.Sample run(ServerProcess server, Scenario scenario, int round, int warmupMs, int durationMs,
                       PerfCounter.Session session, boolean perfOnly, int idleConns)
            throws IOException, InterruptedException {
        ProcFs.settle(server.pid, 5000);
        List<String> args = new ArrayList<>(scenario.loadArgs);
        args.add("--port=" + server.port(scenario));
        args.add("--server-pid=" + server.pid);
        args.add("--server-tid=" + server.ioTid);
        args.add("--warmup-ms=" + warmupMs);
        args.add("--duration-ms=" + durationMs);
        args.add("--sync=1");
        boolean idle = scenario == Scenario.IDLE;
        if (idle) {
            args.add("--idle-conns=" + idleConns);
            args.add("--idle-ms=" + idleMs);
        }
        long[] memBefore = idle ? server.memory() : null;
        long[][] memAfter = new long[1][];
        long[] alloc = {-1, -1}; // the I/O thread's allocated bytes when the window opens and closes
        long mark = 0;
        if (session != null) {
            mark = session.mark();
            args.add("--perf-ctl=" + session.ctl);
            args.add("--perf-ack=" + session.ack);
        }
        long timeout = 60 + (warmupMs + durationMs + (idle ? idleMs : 0)) / 1000 + (idle ? 120 : 0);
        Map<String, String> r = load.run(args, timeout, line -> {
            if (line.equals("CONNECTED")) {
                memAfter[0] = server.memory();
            } else {
                alloc[line.equals("WINDOW open") ? 0 : 1] = server.allocatedBytes();
            }
        }, dir.resolve("loadgen.log"));
        Map<String, Long> counts = session == null ? null : session.countsSince(mark);

        Results.Sample s = new Results.Sample(server.spec.id, scenario, round, perfOnly);
        double messages = num(r, "messages");
        if (messages <= 0) {
            throw new IOException("no message completed in the window");
        }
        s.values.put("rate", num(r, "rate"));
        s.values.put("p50_us", num(r, "p50_us"));
        s.values.put("p99_us", num(r, "p99_us"));
        s.values.put("p999_us", num(r, "p999_us"));
        if (r.containsKey("mib_s")) {
            s.values.put("mib_s", num(r, "mib_s"));
        }
        s.values.put("cpu_us", num(r, "server_cpu_ns") / messages / 1e3);
        s.values.put("io_cpu_us", num(r, "io_cpu_ns") / messages / 1e3);
        // how busy the server's core was: near 100% the server is the bottleneck, well below it the load is
        s.values.put("busy_pct", 100 * num(r, "server_cpu_ns") / 1e9 / num(r, "window_s"));
        if (alloc[0] >= 0 && alloc[1] >= 0) {
            s.values.put("alloc_b", (alloc[1] - alloc[0]) / messages);
        }
        if (r.containsKey("addr_retries")) {
            s.values.put("addr_retries", num(r, "addr_retries"));
        }
        if (idle) {
            s.values.put("idle_cpu_ms_s", num(r, "idle_cpu_ns") / 1e6 / num(r, "idle_s"));
            s.values.put("idle_io_cpu_ms_s", num(r, "idle_io_cpu_ns") / 1e6 / num(r, "idle_s"));
            if (memAfter[0] != null) {
                double n = num(r, "idle_conns");
                double heap = (memAfter[0][0] - memBefore[0]) / n;
                double rss = (memAfter[0][1] - memBefore[1]) / n;
                s.values.put("heap_b", heap);
                s.values.put("rss_b", rss);
                s.values.put("mem_b", heap + rss);
            }
        }
        if (counts != null) {
            double total = counts.getOrDefault(PerfCounter.TOTAL, 0L);
            s.values.put("sys", total / messages);
            if (perf.hasBreakdown()) {
                double grouped = 0;
                for (Map.Entry<String, List<String>> g : PerfCounter.GROUPS.entrySet()) {
                    long c = 0;
                    for (String name : g.getValue()) {
                        c += counts.getOrDefault(name, 0L);
                    }
                    grouped += c;
                    s.values.put(g.getKey(), c / messages);
                }
                s.values.put("other", (total - grouped) / messages);
                for (String name : PerfCounter.OTHERS) {
                    long n = counts.getOrDefault(name, 0L);
                    if (n > 0) {
                        s.values.put("sys_" + name, n / messages);
                    }
                }
            }
        }
        return s;
    }

    private static double num(Map<String, String> r, String key) {
        String v = r.get(key);
        return v == null ? Double.NaN : Double.parseDouble(v);
    }
}

package dev.customtransport.microbench.compare;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The stdout table: one block per scenario, one row per server, medians with spread and ratios to epoll. */
final class TableReport {
    private final Results results;
    private final List<String> servers;
    private final List<Scenario> scenarios;

    TableReport(Results results, List<String> servers, List<Scenario> scenarios) {
        this.results = results;
        this.servers = servers;
        this.scenarios = scenarios;
    }

    void print(PrintStream out) {
        out.println();
        out.println("Medians over the measured rounds, [min-max] where there are several; x epoll = ratio to Netty "
                + "epoll's median.");
        out.println("CPU = the server process's CPU time per message (all its threads, /proc schedstat); sys = "
                + "syscalls per message made by its I/O thread (perf),");
        out.println("split into recv (read/readv/recvfrom/recvmsg), send (write/writev/sendto/sendmsg), wait "
                + "(epoll_wait/pwait/pwait2, io_uring_enter), ctl (epoll_ctl), other.");
        out.println("busy = server CPU time / window (100% = its core saturated; below, the load generator is the "
                + "limit); alloc = heap bytes the");
        out.println("I/O thread allocated per message inside the window (JVM servers; ThreadMXBean).");
        for (Scenario sc : scenarios) {
            printScenario(out, sc);
        }
        for (Map.Entry<String, String> e : results.unavailable.entrySet()) {
            out.println("not available here: " + e.getKey() + ": " + e.getValue());
        }
        for (Map.Entry<String, String> e : results.failures.entrySet()) {
            out.println("FAILED cell " + e.getKey() + ": " + e.getValue());
        }
    }

    private void printScenario(PrintStream out, Scenario sc) {
        boolean idle = sc == Scenario.IDLE;
        String u = sc.unit;
        List<String[]> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("server", "rate " + u + "/s", "x epoll", "p50 us", "p99 us",
                "CPU us/" + u + " [min-max]", "x epoll", "busy %", "alloc B/" + u, "sys/" + u, "recv", "send", "wait",
                "ctl", "other"));
        if (idle) {
            head.addAll(List.of("idle CPU ms/s [min-max]", "mem B/conn", "x epoll"));
        }
        rows.add(head.toArray(new String[0]));
        for (String server : servers) {
            if (results.stat(server, sc, "rate") == null) {
                continue;
            }
            List<String> row = new ArrayList<>();
            row.add(server);
            row.add(fmt(results.median(server, sc, "rate"), "%,.0f"));
            row.add(fmt(results.ratio(server, sc, "rate"), "%.2f"));
            row.add(fmt(results.median(server, sc, "p50_us"), "%.1f"));
            row.add(fmt(results.median(server, sc, "p99_us"), "%.1f"));
            row.add(withSpread(results.stat(server, sc, "cpu_us"), "%.2f"));
            row.add(fmt(results.ratio(server, sc, "cpu_us"), "%.2f"));
            row.add(fmt(results.median(server, sc, "busy_pct"), "%.0f"));
            row.add(fmt(results.median(server, sc, "alloc_b"), "%.1f"));
            for (String m : Results.PERF_METRICS) {
                row.add(fmt(results.median(server, sc, m), "%.2f"));
            }
            if (idle) {
                row.add(withSpread(results.stat(server, sc, "idle_cpu_ms_s"), "%.2f"));
                row.add(fmt(results.median(server, sc, "mem_b"), "%,.0f"));
                row.add(fmt(results.ratio(server, sc, "mem_b"), "%.2f"));
            }
            rows.add(row.toArray(new String[0]));
        }
        out.println();
        out.println(sc.id + ": " + sc.description);
        if (rows.size() == 1) {
            out.println("  (no results)");
            return;
        }
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder(" ");
            for (int i = 0; i < r.length; i++) {
                String cell = r[i];
                String pad = " ".repeat(width[i] - cell.length());
                sb.append(' ').append(i == 0 ? cell + pad : pad + cell);
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    static String fmt(double v, String format) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
    }

    private static String withSpread(Results.Stat s, String format) {
        if (s == null) {
            return "-";
        }
        String m = String.format(Locale.ROOT, format, s.median);
        if (s.n < 2) {
            return m;
        }
        return m + " [" + String.format(Locale.ROOT, format, s.min) + "-" + String.format(Locale.ROOT, format, s.max)
                + "]";
    }
}

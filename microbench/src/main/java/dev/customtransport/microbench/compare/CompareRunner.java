package dev.customtransport.microbench.compare;

import dev.customtransport.Custom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The side-by-side comparison: every server in its own process pinned to one core, the C load generator on the
 * other, the same scenarios for all. An unrecorded warm-up round first, then measured rounds in which the
 * servers' order rotates, medians with their min-max spread, and ratios against Netty's epoll from the same run.
 * Prints a table, writes results.json, results.csv and chart.svg into the results directory.
 */
public final class CompareRunner {
    static final int EXIT_OK = 0;
    static final int EXIT_CELL_FAILED = 1;
    static final int EXIT_UNAVAILABLE = 2;
    static final int EXIT_USAGE = 64;

    private final CompareOptions options;
    private final Results results = new Results();
    private final Map<String, Object> meta = new LinkedHashMap<>();
    private final long startNanos = System.nanoTime();

    private CompareRunner(CompareOptions options) {
        this.options = options;
    }

    public static int run(String[] args) throws IOException, InterruptedException {
        CompareOptions options;
        try {
            options = CompareOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(CompareOptions.USAGE);
            return EXIT_USAGE;
        }
        if (options.help) {
            System.out.println(CompareOptions.USAGE);
            return EXIT_OK;
        }
        if (!Custom.isAvailable()) {
            System.err.println("transport-native-custom is NOT available in this JVM, nothing to compare: "
                    + Custom.unavailabilityCause());
            return EXIT_UNAVAILABLE;
        }
        return new CompareRunner(options).run();
    }

    private int run() throws IOException, InterruptedException {
        long started = startNanos;
        Path out = options.out != null ? options.out : defaultOut();
        Files.createDirectories(out);
        Path bin = NativeTools.extract(out.resolve("bin"));
        Environment env = Environment.describe(options);
        env.print(System.out);
        meta.putAll(env.asMap());
        String[] why = new String[1];
        PerfCounter perf = options.perf.equals("off") ? null : PerfCounter.probe(why);
        String perfNote = options.perf.equals("off") ? "off (--perf=off)"
                : perf == null ? "unavailable: " + why[0] + "; syscall columns skipped"
                : (options.perf.equals("round") ? "counted in a separate round" : "counted during the measured round")
                        + (perf.hasBreakdown() ? "" : " (total only)");
        System.out.println("syscalls (perf stat -e " + PerfCounter.TOTAL + " on the server's I/O thread): " + perfNote);
        meta.put("perf", perfNote);
        if (perf != null) {
            meta.put("perf_command", perf.commandLine("IO_THREAD"));
        }
        System.out.printf(Locale.ROOT, "mode: %s; %d measured round(s) of %d ms windows after %d ms warm-up each; "
                        + "results in %s%n", options.full ? "full" : "quick", options.rounds, options.durationMs,
                options.warmupMs, out);

        List<ServerProcess> servers = startServers(bin, out);
        System.out.println("load generator: taskset -c " + options.loadCore + " " + bin.resolve(NativeTools.LOADGEN)
                + " --scenario=... (every command line is in " + out.resolve("loadgen.log") + ")");
        int failed = 0;
        try {
            LoadGenerator load = new LoadGenerator(bin.resolve(NativeTools.LOADGEN), options.loadCore);
            CellRunner cells = new CellRunner(load, perf, out, options.idleConns, options.idleMs());
            List<Round> rounds = plan(perf != null);
            for (Round round : rounds) {
                failed += runRound(round, servers, cells, round.countSyscalls ? perf : null, out);
            }
        } finally {
            for (ServerProcess s : servers) {
                s.close();
            }
        }
        meta.put("elapsed_s", (System.nanoTime() - started) / 1e9);
        List<Targets.Verdict> verdicts = new Targets(results, perf != null).evaluate();
        new TableReport(results, serverIds(servers), options.scenarios).print(System.out);
        Targets.print(verdicts, System.out);
        ResultFiles.write(out, meta, results, verdicts);
        Files.writeString(out.resolve("chart.svg"), new SvgChart(results, serverIds(servers), options.scenarios,
                String.format(Locale.ROOT, "%s mode, %s", options.full ? "full" : "quick", env.summary())).render());
        System.out.printf(Locale.ROOT, "%nwrote %s, %s, %s (%.0f s)%n", out.resolve("results.json"),
                out.resolve("results.csv"), out.resolve("chart.svg"), (System.nanoTime() - started) / 1e9);
        return failed > 0 ? EXIT_CELL_FAILED : EXIT_OK;
    }

    /** One pass over every cell. */
    private static final class Round {
        final String name;
        final int number;
        final int warmupMs;
        final int durationMs;
        final boolean recorded;
        final boolean countSyscalls;
        final boolean perfOnly;

        Round(String name, int number, int warmupMs, int durationMs, boolean recorded, boolean countSyscalls,
              boolean perfOnly) {
            this.name = name;
            this.number = number;
            this.warmupMs = warmupMs;
            this.durationMs = durationMs;
            this.recorded = recorded;
            this.countSyscalls = countSyscalls;
            this.perfOnly = perfOnly;
        }
    }

    private List<Round> plan(boolean perfAvailable) {
        List<Round> rounds = new ArrayList<>();
        if (options.warmupRound) {
            rounds.add(new Round("warm-up", 0, 100, Math.max(250, options.durationMs / 4), false, false, false));
        }
        boolean attached = perfAvailable && options.perf.equals("attached");
        for (int i = 1; i <= options.rounds; i++) {
            rounds.add(new Round("round " + i + "/" + options.rounds, i, options.warmupMs, options.durationMs, true,
                    attached, false));
        }
        if (perfAvailable && options.perf.equals("round")) {
            rounds.add(new Round("syscall round", options.rounds + 1, options.warmupMs,
                    Math.min(1000, options.durationMs), true, true, true));
        }
        return rounds;
    }

    private int runRound(Round round, List<ServerProcess> servers, CellRunner cells, PerfCounter perf, Path out)
            throws IOException, InterruptedException {
        System.out.printf(Locale.ROOT, "%n== %s%s%s%n", round.name, round.recorded ? "" : " (not recorded)",
                perf == null ? "" : ", syscalls counted");
        Map<String, PerfCounter.Session> sessions = new LinkedHashMap<>();
        try {
            if (perf != null) {
                for (ServerProcess s : servers) {
                    if (s.ioTid > 0) {
                        sessions.put(s.spec.id, perf.attach(out, s.spec.id, s.ioTid));
                    }
                }
            }
            return runCells(round, servers, cells, sessions);
        } finally {
            for (PerfCounter.Session s : sessions.values()) {
                s.close();
            }
        }
    }

    private int runCells(Round round, List<ServerProcess> servers, CellRunner cells,
                         Map<String, PerfCounter.Session> sessions) throws InterruptedException {
        int failed = 0;
        for (Scenario scenario : options.scenarios) {
            // The warm-up round opens only 1,000 idle connections: enough to compile that path, a tenth of the time.
            int idleConns = round.recorded ? options.idleConns : Math.min(1000, options.idleConns);
            List<ServerProcess> order = new ArrayList<>();
            for (int i = 0; i < servers.size(); i++) {
                // rotate, so that no server is always first (or last) after another one's cell
                ServerProcess s = servers.get((i + round.number) % servers.size());
                if (s.spec.runs(scenario)) {
                    order.add(s);
                }
            }
            for (ServerProcess server : order) {
                String cell = server.spec.id + "/" + scenario.id;
                if (!server.isAlive()) {
                    results.failures.put(cell, "server process died");
                    failed++;
                    continue;
                }
                try {
                    Results.Sample s = cells.run(server, scenario, round.number, round.warmupMs, round.durationMs,
                            sessions.get(server.spec.id), round.perfOnly, idleConns);
                    if (round.recorded) {
                        results.add(s);
                    }
                    System.out.printf(Locale.ROOT, "  %5.1fs %s%n", (System.nanoTime() - startNanos) / 1e9,
                            progress(scenario, server.spec.id, s));
                } catch (IOException e) {
                    results.failures.put(cell, e.getMessage());
                    System.out.println("  " + cell + ": FAILED " + e.getMessage());
                    failed++;
                }
            }
        }
        return failed;
    }

    private static String progress(Scenario scenario, String server, Results.Sample s) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-15s %-15s %,12.0f %s/s  p50 %7.1f us"
                        + "  cpu %7.2f us/%s", scenario.id, server, s.values.get("rate"), scenario.unit,
                s.values.get("p50_us"), s.values.get("cpu_us"), scenario.unit));
        if (s.values.containsKey("sys")) {
            sb.append(String.format(Locale.ROOT, "  syscalls %.2f/%s", s.values.get("sys"), scenario.unit));
        }
        if (s.values.containsKey("mem_b")) {
            sb.append(String.format(Locale.ROOT, "  idle cpu %.2f ms/s  mem %.0f B/conn",
                    s.values.get("idle_cpu_ms_s"), s.values.get("mem_b")));
        }
        return sb.toString();
    }

    /** Starts every server at once (JVM start-up dominates) and returns those that run here, in table order. */
    private List<ServerProcess> startServers(Path bin, Path out) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path jar = Environment.ownJar();
        List<ServerSpec> specs = new ArrayList<>();
        List<CompletableFuture<ServerProcess>> starting = new ArrayList<>();
        for (ServerSpec spec : ServerSpec.all()) {
            if (options.servers != null && !options.servers.contains(spec.id)) {
                continue;
            }
            List<String> cmd = ServerProcess.command(spec, options.serverCore, java, options.jvmFlags, jar, bin);
            Path log = out.resolve("server-" + spec.id + ".log");
            specs.add(spec);
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return ServerProcess.start(spec, cmd, log);
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }));
        }
        List<ServerProcess> servers = new ArrayList<>();
        IOException failure = null;
        for (int i = 0; i < specs.size(); i++) {
            ServerSpec spec = specs.get(i);
            try {
                ServerProcess p = starting.get(i).get();
                servers.add(p);
                System.out.printf(Locale.ROOT, "server %-15s pid %d, I/O thread %d, echo :%d, http :%d (%s)%n",
                        spec.id, p.pid, p.ioTid, p.echoPort, p.httpPort, spec.label);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() instanceof CompletionException ? e.getCause().getCause() : e.getCause();
                if (cause instanceof ServerProcess.UnavailableException) {
                    results.unavailable.put(spec.id, cause.getMessage());
                    System.out.printf(Locale.ROOT, "server %-15s NOT AVAILABLE here, skipped: %s%n", spec.id,
                            cause.getMessage());
                } else {
                    failure = new IOException("cannot start server " + spec.id + ": " + cause, cause);
                }
            }
        }
        if (failure != null) {
            for (ServerProcess s : servers) {
                s.close();
            }
            throw failure;
        }
        meta.put("server_command_example", String.join(" ", ServerProcess.command(ServerSpec.byId(ServerSpec.EPOLL),
                options.serverCore, java, options.jvmFlags, jar, bin)));
        return servers;
    }

    private static List<String> serverIds(List<ServerProcess> servers) {
        List<String> ids = new ArrayList<>();
        for (ServerProcess s : servers) {
            ids.add(s.spec.id);
        }
        return ids;
    }

    private static Path defaultOut() {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path jar = Environment.ownJar();
        Path base = jar != null && jar.getParent() != null ? jar.getParent() : Path.of(".");
        return base.resolve("compare-results").resolve(stamp);
    }
}

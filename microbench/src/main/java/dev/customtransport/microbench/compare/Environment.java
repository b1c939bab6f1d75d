package dev.customtransport.microbench.compare;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The machine and the settings of a run, printed first and kept in results.json. */
final class Environment {
    private final Map<String, Object> facts = new LinkedHashMap<>();

    private Environment() { }

    static Environment describe(CompareOptions o) {
        Environment e = new Environment();
        e.facts.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        e.facts.put("kernel", readTrimmed("/proc/sys/kernel/osrelease"));
        e.facts.put("cpu", cpuModel());
        e.facts.put("cores", Runtime.getRuntime().availableProcessors());
        e.facts.put("server_core", o.serverCore);
        e.facts.put("load_core", o.loadCore);
        e.facts.put("runner_pinned", pinSelf(o.loadCore));
        e.facts.put("server_jvm_flags", String.join(" ", o.jvmFlags));
        e.facts.put("revision", revision());
        e.facts.put("mode", o.full ? "full" : "quick");
        e.facts.put("rounds", o.rounds);
        e.facts.put("window_ms", o.durationMs);
        e.facts.put("warmup_ms", o.warmupMs);
        e.facts.put("idle_conns", o.idleConns);
        return e;
    }

    Map<String, Object> asMap() {
        return facts;
    }

    String summary() {
        return "JDK " + System.getProperty("java.version") + ", Linux " + facts.get("kernel") + ", "
                + facts.get("cores") + " cores";
    }

    void print(PrintStream out) {
        out.println("transport comparison: servers pinned to core " + facts.get("server_core")
                + ", C load generator to core " + facts.get("load_core") + ", all traffic on 127.0.0.1");
        out.println("java " + facts.get("java") + "; Linux " + facts.get("kernel") + "; " + facts.get("cpu") + "; "
                + facts.get("cores") + " cores");
        out.println("server JVM flags (the same for every JVM server): " + facts.get("server_jvm_flags"));
        out.println("built from " + facts.get("revision"));
        if (!(Boolean) facts.get("runner_pinned")) {
            out.println("note: could not pin this runner to the load core (taskset missing?)");
        }
    }

    /** Keeps this JVM (which only waits while cells run) off the server's core. */
    private static boolean pinSelf(int core) {
        try {
            Process p = new ProcessBuilder("taskset", "-a", "-cp", Integer.toString(core),
                    Long.toString(ProcessHandle.current().pid())).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The git commit the run was built from, "+changes" if the transport's sources differ from it. */
    private static String revision() {
        try {
            Process head = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String rev = new String(head.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .trim();
            Process status = new ProcessBuilder("git", "status", "--porcelain", "--", "transport-native-custom")
                    .redirectErrorStream(true).start();
            String dirty = new String(status.getInputStream().readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8).trim();
            if (!head.waitFor(10, TimeUnit.SECONDS) || head.exitValue() != 0 || !status.waitFor(10, TimeUnit.SECONDS)) {
                return "unknown";
            }
            return rev + (dirty.isEmpty() ? "" : "+changes");
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : ProcFs.read(Path.of("/proc/cpuinfo")).split("\n")) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown CPU";
        }
        return "unknown CPU";
    }

    private static String readTrimmed(String path) {
        try {
            return ProcFs.read(Path.of(path)).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The jar (or classes directory) this code runs from. */
    static Path ownJar() {
        try {
            return Path.of(Environment.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

}

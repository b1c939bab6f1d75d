package dev.customtransport.microbench.compare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The comparison's options; {@code --full} switches the defaults from the quick mode to the full one. */
final class CompareOptions {
    static final String USAGE = String.join("\n",
            "usage: java -jar transport-native-custom-microbench.jar [compare] [--full] [options]",
            "  --full              full mode: 5 measured rounds + a syscall-counting round (about 11 min);",
            "                      without it, quick mode: 1 round with syscalls counted in it (about 2 min)",
            "  --rounds=N          measured rounds (quick 1, full 5); servers rotate order every round",
            "  --duration-ms=MS    measurement window of each cell (quick 800, full 1500)",
            "  --warmup-ms=MS      traffic before each window, not measured (quick 250, full 400)",
            "  --perf=MODE         syscall counting with perf: auto (quick: in the round, full: own round),",
            "                      round, attached, off",
            "  --servers=A,B       of: c-epoll, custom-lt, custom-et, epoll, io_uring, nio, custom-lt-spin",
            "  --scenarios=A,B     of: ping-pong, echo-32x16, bulk-16k, http, http-pipelined, churn, idle-10k",
            "  --idle-conns=N      connections held open in idle-10k (10000)",
            "  --no-warmup-round   skip the unrecorded round that warms every JVM first",
            "  --out=DIR           results directory (default: compare-results/<time> beside the jar)",
            "  --server-core=N     core the servers are pinned to (0); --load-core=N: the load generator's (1)",
            "  --jvm-flags='...'   server JVM flags instead of the default (printed at the start)",
            "exit status: 0 the run completed (whatever the targets say); 1 a cell failed; 2 transport-native-custom",
            "is not available; 64 bad arguments");

    static final List<String> DEFAULT_JVM_FLAGS = List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch",
            "-XX:+UseG1GC", "--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled");

    boolean help;
    boolean full;
    int rounds = -1;
    int durationMs = -1;
    int warmupMs = -1;
    String perf = "auto";
    List<String> servers;
    List<Scenario> scenarios = Arrays.asList(Scenario.values());
    int idleConns = 10_000;
    boolean warmupRound = true;
    Path out;
    int serverCore = 0;
    int loadCore = 1;
    List<String> jvmFlags = DEFAULT_JVM_FLAGS;

    static CompareOptions parse(String[] args) {
        CompareOptions o = new CompareOptions();
        for (String arg : args) {
            if (arg.equals("-h") || arg.equals("--help")) {
                o.help = true;
                continue;
            }
            if (arg.equals("--full")) {
                o.full = true;
                continue;
            }
            if (arg.equals("--no-warmup-round")) {
                o.warmupRound = false;
                continue;
            }
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("unknown argument: " + arg);
            }
            String key = arg.substring(2, eq);
            String value = arg.substring(eq + 1);
            switch (key) {
                case "rounds": o.rounds = number(key, value, 1); break;
                case "duration-ms": o.durationMs = number(key, value, 100); break;
                case "warmup-ms": o.warmupMs = number(key, value, 0); break;
                case "perf": o.perf = oneOf(key, value, "auto", "round", "attached", "off"); break;
                case "servers": o.servers = servers(value); break;
                case "scenarios": o.scenarios = scenarios(value); break;
                case "idle-conns": o.idleConns = number(key, value, 1); break;
                case "out": o.out = Path.of(value); break;
                case "server-core": o.serverCore = number(key, value, 0); break;
                case "load-core": o.loadCore = number(key, value, 0); break;
                case "jvm-flags": o.jvmFlags = List.of(value.trim().split("\\s+")); break;
                default: throw new IllegalArgumentException("unknown option: --" + key);
            }
        }
        if (o.rounds < 0) {
            o.rounds = o.full ? 5 : 1;
        }
        if (o.durationMs < 0) {
            o.durationMs = o.full ? 1500 : 800;
        }
        if (o.warmupMs < 0) {
            o.warmupMs = o.full ? 400 : 250;
        }
        if (o.perf.equals("auto")) {
            o.perf = o.full ? "round" : "attached";
        }
        return o;
    }

    int idleMs() {
        return full ? 2000 : 500;
    }

    private static int number(String key, String value, int min) {
        try {
            int v = Integer.parseInt(value);
            if (v >= min) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--" + key + " must be an integer >= " + min + ", not " + value);
    }

    private static String oneOf(String key, String value, String... allowed) {
        for (String a : allowed) {
            if (a.equals(value)) {
                return value;
            }
        }
        throw new IllegalArgumentException("--" + key + " must be one of " + String.join(", ", allowed));
    }

    private static List<String> servers(String value) {
        List<String> list = new ArrayList<>();
        for (String id : value.split(",")) {
            list.add(ServerSpec.byId(id.trim()).id);
        }
        return list;
    }

    private static List<Scenario> scenarios(String value) {
        List<Scenario> list = new ArrayList<>();
        for (String id : value.split(",")) {
            list.add(Scenario.byId(id.trim()));
        }
        return list;
    }
}

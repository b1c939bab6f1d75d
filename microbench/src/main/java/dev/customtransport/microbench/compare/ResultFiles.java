package dev.customtransport.microbench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * results.json (settings, every sample, the medians, the targets) and results.csv (one row per server x scenario
 * x figure: median, min, max, rounds, ratio to epoll).
 */
final class ResultFiles {
    private ResultFiles() { }

    static void write(Path dir, Map<String, Object> meta, Results results, List<Targets.Verdict> verdicts)
            throws IOException {
        Files.writeString(dir.resolve("results.json"), json(meta, results, verdicts));
        Files.writeString(dir.resolve("results.csv"), csv(results));
    }

    private static String csv(Results results) {
        StringBuilder sb = new StringBuilder("server,scenario,metric,median,min,max,rounds,ratio_to_epoll\n");
        for (String[] key : keys(results)) {
            Scenario sc = Scenario.byId(key[1]);
            Results.Stat s = results.stat(key[0], sc, key[2]);
            if (s == null) {
                continue;
            }
            sb.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%s,%s,%d,%s%n", key[0], key[1], key[2], num(s.median),
                    num(s.min), num(s.max), s.n, num(results.ratio(key[0], sc, key[2]))));
        }
        return sb.toString();
    }

    /** Every server / scenario / metric present, in a stable order. */
    private static List<String[]> keys(Results results) {
        TreeSet<String> seen = new TreeSet<>();
        List<String[]> keys = new ArrayList<>();
        for (Results.Sample s : results.samples) {
            for (String m : s.values.keySet()) {
                String k = s.server + "," + s.scenario.id + "," + m;
                if (seen.add(k)) {
                    keys.add(new String[] {s.server, s.scenario.id, m});
                }
            }
        }
        return keys;
    }

    private static String json(Map<String, Object> meta, Results results, List<Targets.Verdict> verdicts) {
        StringBuilder sb = new StringBuilder("{\n  \"settings\": {");
        String sep = "\n";
        for (Map.Entry<String, Object> e : meta.entrySet()) {
            sb.append(sep).append("    ").append(str(e.getKey())).append(": ").append(value(e.getValue()));
            sep = ",\n";
        }
        sb.append("\n  },\n  \"samples\": [");
        sep = "\n";
        for (Results.Sample s : results.samples) {
            sb.append(sep).append("    {\"server\": ").append(str(s.server)).append(", \"scenario\": ")
                    .append(str(s.scenario.id)).append(", \"round\": ").append(s.round).append(", \"syscall_round\": ")
                    .append(s.perfOnly);
            for (Map.Entry<String, Double> v : s.values.entrySet()) {
                sb.append(", ").append(str(v.getKey())).append(": ").append(num(v.getValue()));
            }
            sb.append('}');
            sep = ",\n";
        }
        sb.append("\n  ],\n  \"medians\": [");
        sep = "\n";
        for (String[] key : keys(results)) {
            Scenario sc = Scenario.byId(key[1]);
            Results.Stat st = results.stat(key[0], sc, key[2]);
            if (st == null) {
                continue;
            }
            sb.append(sep).append(String.format(Locale.ROOT, "    {\"server\": %s, \"scenario\": %s, \"metric\": %s, "
                            + "\"median\": %s, \"min\": %s, \"max\": %s, \"rounds\": %d, \"ratio_to_epoll\": %s}",
                    str(key[0]), str(key[1]), str(key[2]), num(st.median), num(st.min), num(st.max), st.n,
                    num(results.ratio(key[0], sc, key[2]))));
            sep = ",\n";
        }
        sb.append("\n  ],\n  \"targets\": [");
        sep = "\n";
        for (Targets.Verdict v : verdicts) {
            sb.append(sep).append("    {\"target\": ").append(str(v.target)).append(", \"status\": ")
                    .append(str(v.status())).append(", \"figures\": ").append(str(v.figures)).append('}');
            sep = ",\n";
        }
        sb.append("\n  ],\n  \"unavailable\": {");
        appendMap(sb, results.unavailable);
        sb.append("},\n  \"failures\": {");
        appendMap(sb, results.failures);
        sb.append("}\n}\n");
        return sb.toString();
    }

    private static void appendMap(StringBuilder sb, Map<String, String> map) {
        String sep = "";
        for (Map.Entry<String, String> e : map.entrySet()) {
            sb.append(sep).append(str(e.getKey())).append(": ").append(str(e.getValue()));
            sep = ", ";
        }
    }

    private static String value(Object o) {
        if (o instanceof Number) {
            return num(((Number) o).doubleValue());
        }
        if (o instanceof Boolean) {
            return o.toString();
        }
        return str(String.valueOf(o));
    }

    private static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.6g", v);
    }

    static String str(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }
}

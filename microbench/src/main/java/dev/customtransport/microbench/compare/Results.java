package dev.customtransport.microbench.compare;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every figure of a run, one {@link Sample} per server x scenario x round, and their medians. A round that only
 * counted syscalls (perf attached, which slows syscalls a little) contributes its syscall figures and nothing else.
 */
final class Results {
    /** Figures whose medians come from perf-counted rounds only. */
    static final List<String> PERF_METRICS = List.of("sys", "recv", "send", "wait", "ctl", "other");

    /** One cell of one round. */
    static final class Sample {
        final String server;
        final Scenario scenario;
        final int round;
        final boolean perfOnly;
        final Map<String, Double> values = new LinkedHashMap<>();

        Sample(String server, Scenario scenario, int round, boolean perfOnly) {
            this.server = server;
            this.scenario = scenario;
            this.round = round;
            this.perfOnly = perfOnly;
        }
    }

    /** Median and spread of one figure over the rounds. */
    static final class Stat {
        final double median;
        final double min;
        final double max;
        final int n;

        Stat(double median, double min, double max, int n) {
            this.median = median;
            this.min = min;
            this.max = max;
            this.n = n;
        }
    }

    final List<Sample> samples = new ArrayList<>();
    /** Cells that failed, with why: "server/scenario" to message. */
    final Map<String, String> failures = new LinkedHashMap<>();
    /** Servers that could not run here, with why. */
    final Map<String, String> unavailable = new LinkedHashMap<>();

    void add(Sample s) {
        samples.add(s);
    }

    Stat stat(String server, Scenario scenario, String metric) {
        boolean perfMetric = PERF_METRICS.contains(metric);
        List<Double> v = new ArrayList<>();
        for (Sample s : samples) {
            if (s.server.equals(server) && s.scenario == scenario && (perfMetric || !s.perfOnly)) {
                Double d = s.values.get(metric);
                if (d != null && !d.isNaN()) {
                    v.add(d);
                }
            }
        }
        if (v.isEmpty()) {
            return null;
        }
        Collections.sort(v);
        int n = v.size();
        double median = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
        return new Stat(median, v.get(0), v.get(n - 1), n);
    }

    /** Median of {@code metric} for {@code server} divided by Netty epoll's, or NaN. */
    double ratio(String server, Scenario scenario, String metric) {
        Stat mine = stat(server, scenario, metric);
        Stat base = stat(ServerSpec.EPOLL, scenario, metric);
        if (mine == null || base == null || base.median == 0) {
            return Double.NaN;
        }
        return mine.median / base.median;
    }

    double median(String server, Scenario scenario, String metric) {
        Stat s = stat(server, scenario, metric);
        return s == null ? Double.NaN : s.median;
    }
}

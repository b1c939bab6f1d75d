package dev.customtransport.microbench.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * chart.svg, written by hand: two panels of grouped bars, one group per scenario, one bar per server. Top: server
 * CPU per message; bottom: syscalls per message (or, without perf, the rate). Both as ratios to Netty's epoll in
 * the same run (epoll = 1, the dashed line), bars at the median with a min-max whisker; bars beyond the axis are
 * cut and labelled with their value.
 */
final class SvgChart {
    private static final int WIDTH = 960;
    private static final int PANEL_HEIGHT = 230;
    private static final int LEFT = 60;
    private static final int RIGHT = 20;
    private static final double MAX_RATIO = 2.0;

    private final Results results;
    private final List<String> servers;
    private final List<Scenario> scenarios;
    private final String subtitle;
    private final StringBuilder svg = new StringBuilder();

    SvgChart(Results results, List<String> servers, List<Scenario> scenarios, String subtitle) {
        this.results = results;
        this.servers = new ArrayList<>(servers);
        this.servers.remove(Targets.SPIN); // one scenario only: shown in the table, not worth a bar slot everywhere
        this.scenarios = scenarios;
        this.subtitle = subtitle;
    }

    String render() {
        boolean syscalls = hasAny("sys");
        int height = 70 + 2 * (PANEL_HEIGHT + 50) + 10;
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                + "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, height,
                WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        text(LEFT, 20, "transport-native-custom vs Netty transports: ratio to Netty epoll (lower is better)", 14,
                "start", "bold");
        text(LEFT, 36, subtitle + "; median of the rounds, whisker min-max", 11, "start", "normal");
        legend(50);
        panel(70, "cpu_us", "server CPU time per message / epoll's");
        if (syscalls) {
            panel(70 + PANEL_HEIGHT + 50, "sys", "syscalls per message (server I/O thread, perf) / epoll's");
        } else {
            panel(70 + PANEL_HEIGHT + 50, "rate", "messages per second / epoll's (higher is better)");
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private boolean hasAny(String metric) {
        for (Results.Sample s : results.samples) {
            if (s.values.containsKey(metric)) {
                return true;
            }
        }
        return false;
    }

    private void legend(int y) {
        int x = LEFT;
        for (String s : servers) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"10\" fill=\"%s\"/>%n",
                    x, y - 9, color(s)));
            text(x + 16, y, s, 11, "start", "normal");
            x += 30 + s.length() * 7;
        }
    }

    private void panel(int top, String metric, String title) {
        int bottom = top + PANEL_HEIGHT;
        int plotTop = top + 20;
        text(LEFT, top + 12, title, 12, "start", "bold");
        double scale = (bottom - plotTop) / MAX_RATIO;
        for (double tick = 0; tick <= MAX_RATIO + 1e-9; tick += 0.5) {
            double y = bottom - tick * scale;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
                    + "%s/>%n", LEFT, y, WIDTH - RIGHT, y, tick == 1.0 ? "#333" : "#ddd",
                    tick == 1.0 ? "stroke-dasharray=\"4 3\"" : ""));
            text(LEFT - 6, (int) y + 4, String.format(Locale.ROOT, "%.1f", tick), 10, "end", "normal");
        }
        int groups = scenarios.size();
        double groupWidth = (WIDTH - LEFT - RIGHT) / (double) groups;
        double barWidth = Math.min(16, (groupWidth - 12) / Math.max(1, servers.size()));
        for (int g = 0; g < groups; g++) {
            Scenario sc = scenarios.get(g);
            double x0 = LEFT + g * groupWidth + (groupWidth - barWidth * servers.size()) / 2;
            for (int i = 0; i < servers.size(); i++) {
                bar(servers.get(i), sc, metric, x0 + i * barWidth, barWidth, bottom, scale);
            }
            text((int) (LEFT + g * groupWidth + groupWidth / 2), bottom + 14, sc.id, 11, "middle", "normal");
        }
    }

    private void bar(String server, Scenario sc, String metric, double x, double w, int bottom, double scale) {
        Results.Stat s = results.stat(server, sc, metric);
        Results.Stat base = results.stat(ServerSpec.EPOLL, sc, metric);
        if (s == null || base == null || base.median == 0) {
            return;
        }
        double ratio = s.median / base.median;
        double h = Math.min(ratio, MAX_RATIO) * scale;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                        + "fill=\"%s\"><title>%s %s: %.3g (x%.2f epoll)</title></rect>%n", x + 1, bottom - h, w - 2,
                h, color(server), server, sc.id, s.median, ratio));
        if (s.n > 1) {
            double lo = Math.min(s.min / base.median, MAX_RATIO) * scale;
            double hi = Math.min(s.max / base.median, MAX_RATIO) * scale;
            double cx = x + w / 2;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                    + "stroke=\"#222\"/>%n", cx, bottom - lo, cx, bottom - hi));
        }
        if (ratio > MAX_RATIO) {
            text((int) (x + w / 2), (int) (bottom - h - 3), String.format(Locale.ROOT, "%.1f", ratio), 9, "middle",
                    "normal");
        }
    }

    private void text(int x, int y, String s, int size, String anchor, String weight) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" text-anchor=\"%s\" "
                + "font-weight=\"%s\">%s</text>%n", x, y, size, anchor, weight, escape(s)));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String color(String server) {
        switch (server) {
            case "c-epoll": return "#8c8c8c";
            case "custom-lt": return "#1f77b4";
            case "custom-et": return "#17becf";
            case "epoll": return "#d62728";
            case "io_uring": return "#ff7f0e";
            case "nio": return "#9467bd";
            default: return "#2ca02c";
        }
    }
}

package dev.customtransport.microbench.compare;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the C load generator for one cell, pinned to the load core, and returns its RESULT figures. */
final class LoadGenerator {
    /**
     * Called for each line on which the load generator waits for the runner ("CONNECTED", "WINDOW open",
     * "WINDOW close"); it goes on once this returns.
     */
    interface Handshake {
        void on(String line) throws IOException, InterruptedException;
    }

    private final Path binary;
    private final int core;

    LoadGenerator(Path binary, int core) {
        this.binary = binary;
        this.core = core;
    }

    Map<String, String> run(List<String> args, long timeoutSeconds, Handshake hook, Path log)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", Integer.toString(core), binary.toString()));
        cmd.addAll(args);
        Path err = Files.createTempFile(log.getParent(), "loadgen", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        Thread watchdog = new Thread(() -> {
            try {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }, "loadgen-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        String result = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.US_ASCII)); OutputStream in = p.getOutputStream()) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.equals("CONNECTED") || line.startsWith("WINDOW ")) {
                    hook.on(line);
                    in.write("go\n".getBytes(StandardCharsets.US_ASCII));
                    in.flush();
                } else if (line.startsWith("RESULT ")) {
                    result = line;
                }
            }
        } finally {
            p.waitFor(10, TimeUnit.SECONDS);
            watchdog.interrupt();
        }
        String stderr = Files.readString(err).trim();
        Files.writeString(log, "$ " + String.join(" ", cmd) + "\n" + (result == null ? "" : result + "\n")
                + stderr + (stderr.isEmpty() ? "" : "\n"), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        Files.deleteIfExists(err);
        if (p.exitValue() != 0 || result == null) {
            throw new IOException("load generator failed (exit " + p.exitValue() + "): "
                    + (stderr.isEmpty() ? "no result" : stderr));
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String part : result.substring(7).trim().split(" ")) {
            int eq = part.indexOf('=');
            values.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return values;
    }
}

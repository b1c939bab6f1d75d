package dev.customtransport.microbench.compare;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A running server under test, pinned to the server core: its ports, pid, I/O thread and the stdin/stdout line
 * protocol of {@code BenchServer} (the C server speaks the same). Its stderr goes to a log file.
 */
final class ServerProcess implements AutoCloseable {
    static final String IO_THREAD_PREFIX = "bench-io";

    final ServerSpec spec;
    final long pid;
    final int echoPort;
    final int httpPort;
    /** The thread doing the I/O: the event loop of a JVM server, the only thread of the C server. */
    final long ioTid;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines;

    /** The server cannot run here; carries its reason. */
    static final class UnavailableException extends Exception {
        UnavailableException(String reason) {
            super(reason);
        }
    }

    private ServerProcess(ServerSpec spec, Process process, BlockingQueue<String> lines, int echoPort, int httpPort,
                          long ioTid) {
        this.spec = spec;
        this.lines = lines;
        this.process = process;
        this.pid = process.pid();
        this.echoPort = echoPort;
        this.httpPort = httpPort;
        this.ioTid = ioTid;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
    }

    static List<String> command(ServerSpec spec, int core, String java, List<String> jvmFlags, Path jar,
                                Path nativeDir) {
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", Integer.toString(core)));
        if (spec.isJvm()) {
            cmd.add(java);
            cmd.addAll(jvmFlags);
            cmd.addAll(List.of("-cp", jar.toString(), "dev.customtransport.microbench.Main", "server",
                    spec.transport.id()));
        } else {
            cmd.add(nativeDir.resolve("echo_server").toString());
        }
        return cmd;
    }

    static ServerProcess start(ServerSpec spec, List<String> command, Path log)
            throws IOException, InterruptedException, UnavailableException {
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> pump(p, queue), "server-stdout-" + spec.id);
        reader.setDaemon(true);
        reader.start();
        String ready = queue.poll(60, TimeUnit.SECONDS);
        if (ready == null || !ready.startsWith("READY")) {
            p.destroyForcibly();
            if (ready != null && ready.startsWith("UNAVAILABLE")) {
                throw new UnavailableException(ready.substring("UNAVAILABLE".length()).trim());
            }
            throw new IOException(spec.id + " did not start (" + (ready == null ? "no answer in 60 s" : ready)
                    + "); see " + log);
        }
        int echo = Integer.parseInt(field(ready, "echo"));
        int http = Integer.parseInt(field(ready, "http"));
        long tid = spec.isJvm() ? ProcFs.threadNamed(p.pid(), IO_THREAD_PREFIX) : p.pid();
        return new ServerProcess(spec, p, queue, echo, http, tid);
    }

    private static void pump(Process p, BlockingQueue<String> queue) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                queue.add(line);
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    static String field(String line, String key) {
        for (String part : line.split(" ")) {
            if (part.startsWith(key + "=")) {
                return part.substring(key.length() + 1);
            }
        }
        throw new IllegalArgumentException("no " + key + " in: " + line);
    }

    int port(Scenario s) {
        return s.http ? httpPort : echoPort;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Sends one command line and returns the answer line. */
    String command(String cmd, long timeoutSeconds) throws IOException, InterruptedException {
        lines.clear();
        stdin.write(cmd + "\n");
        stdin.flush();
        String answer = lines.poll(timeoutSeconds, TimeUnit.SECONDS);
        if (answer == null) {
            throw new IOException(spec.id + ": no answer to '" + cmd + "' within " + timeoutSeconds + " s");
        }
        return answer;
    }

    /** Live heap after full GCs plus resident memory, in bytes: {heap, rss}. */
    long[] memory() throws IOException, InterruptedException {
        String answer = command("gc", 60);
        long heap = Long.parseLong(answer.split(" ")[1]);
        return new long[] {heap, ProcFs.residentBytes(pid)};
    }

    /** Bytes the I/O thread has allocated so far (JVM servers), or -1. */
    long allocatedBytes() throws IOException, InterruptedException {
        if (!spec.isJvm()) {
            return -1;
        }
        String answer = command("alloc", 10);
        return answer.startsWith("alloc ") ? Long.parseLong(answer.substring(6).trim()) : -1;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stdin.write("quit\n");
            stdin.flush();
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}

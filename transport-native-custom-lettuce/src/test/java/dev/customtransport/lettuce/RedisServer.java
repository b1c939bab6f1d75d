package dev.customtransport.lettuce;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the machine's (Debian package {@code redis-server}), listening on a free loopback port and on a
 * Unix socket in {@code dir}, with no persistence; stopped by its pid. Without one on the PATH the tests using it are
 * skipped, with one line saying so.
 */
final class RedisServer implements AutoCloseable {
    final int port;
    final Path socket;
    private final Process process;

    private RedisServer(int port, Path socket, Process process) {
        this.port = port;
        this.socket = socket;
        this.process = process;
    }

    static RedisServer start(Path dir) throws Exception {
        String binary = find("redis-server");
        if (binary == null) {
            String line = "redis-server is not installed: the Lettuce tests are skipped (.ci/run installs it)";
            System.out.println(line);
            Assumptions.abort(line);
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path socket = dir.resolve("redis.sock");
        Process process = new ProcessBuilder(List.of(binary, "--bind", "127.0.0.1", "--port", String.valueOf(port),
                "--unixsocket", socket.toString(), "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--dir", dir.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                if (Files.exists(socket)) {
                    break;
                }
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IOException("redis-server did not listen on port " + port + " within 10 s", notYet);
                }
            }
            Thread.sleep(20);
        }
        return new RedisServer(port, socket, process);
    }

    private static String find(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/sbin").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    /** SIGTERM to its pid, then wait; SIGKILL if it lingers. */
    @Override
    public void close() throws InterruptedException {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}

package dev.customtransport;

import dev.customtransport.internal.Emulator;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Out of descriptors (libuv's test-emfile is the model): a server whose process may open only a few descriptors
 * gets more connections than it can accept. It must keep its listener, not spin while accept fails, report the
 * failure at a limited rate, and accept the rest once descriptors are free again.
 */
class EmfileTest {
    private static final int LIMIT = 160;
    private static final int CONNECTIONS = 300;

    @Test
    void serverSurvivesAConnectStormWithoutDescriptors() throws Exception {
        String java = Emulator.java();
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "ulimit -n " + LIMIT + " && exec \"$0\" \"$@\"",
                java, "-cp", System.getProperty("java.class.path"), "-Xss512k",
                "--enable-native-access=ALL-UNNAMED", EmfileServer.class.getName());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process child = pb.start();
        List<Socket> clients = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assertNotNull(first, "child exited early");
            assertTrue(first.startsWith("PORT "), first);
            int port = Integer.parseInt(first.substring(5));
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.add(new Socket("127.0.0.1", port));
            }
            // Let it run out of descriptors and sit there for two seconds.
            long[] start = awaitStat(out, s -> s[1] > 0, "a reported accept failure");
            long[] later = awaitStat(out, s -> true, "");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < deadline) {
                later = awaitStat(out, s -> true, "");
            }
            long waits = later[2] - start[2];
            long reports = later[1] - start[1];
            System.out.println("[emfile] RLIMIT_NOFILE " + LIMIT + ": accepted " + later[0] + " of " + CONNECTIONS
                    + ", loop wakeups in 2 s while accept failed: " + waits + ", failures reported: " + reports);
            assertTrue(later[0] < CONNECTIONS, "it did run out of descriptors: accepted " + later[0]);
            // Backing off from 10 ms doubling to 1 s makes a handful of attempts in two seconds; a spinning loop
            // makes hundreds of thousands.
            assertTrue(waits < 200, "the loop woke " + waits + " times in 2 s while accept failed");
            assertTrue(reports <= 4, reports + " failures reported in 2 s");
            // Free the descriptors: the peers close, the server closes its side, then accepts the rest.
            for (Socket s : clients) {
                s.close();
            }
            clients.clear();
            long[] done = awaitStat(out, s -> s[0] == CONNECTIONS, "every connection accepted");
            assertEquals(CONNECTIONS, done[0]);
        } finally {
            for (Socket s : clients) {
                s.close();
            }
            child.getOutputStream().close();
            if (!child.waitFor(20, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    private static long[] awaitStat(BufferedReader out, java.util.function.Predicate<long[]> until, String what)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while ((line = out.readLine()) != null) {
            if (!line.startsWith("STAT ")) {
                continue;
            }
            String[] p = line.split(" ");
            long[] s = {Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3])};
            if (until.test(s)) {
                return s;
            }
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what + "; last " + line);
        }
        throw new AssertionError("child exited while waiting for " + what);
    }
}

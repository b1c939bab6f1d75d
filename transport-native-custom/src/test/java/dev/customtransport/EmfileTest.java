package dev.customtransport;

import dev.customtransport.internal.Emulator;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @TempDir
    Path dir;

    @Test
    void serverSurvivesAConnectStormWithoutDescriptors() throws Exception {
        storm(new Storm() {
            @Override
            public void outOfDescriptors(BufferedReader out, long[] start) throws Exception {
                long[] later = awaitStat(out, s -> true, "");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (System.nanoTime() < deadline) {
                    later = awaitStat(out, s -> true, "");
                }
                long waits = later[2] - start[2];
                long reports = later[1] - start[1];
                System.out.println("[emfile] RLIMIT_NOFILE " + LIMIT + ": accepted " + later[0] + " of "
                        + CONNECTIONS + ", loop wakeups in 2 s while accept failed: " + waits
                        + ", failures reported: " + reports);
                assertTrue(later[0] < CONNECTIONS, "it did run out of descriptors: accepted " + later[0]);
                // Backing off from 10 ms doubling to 1 s makes a handful of attempts in two seconds; a spinning
                // loop makes hundreds of thousands.
                assertTrue(waits < 200, "the loop woke " + waits + " times in 2 s while accept failed");
                assertTrue(reports <= 4, reports + " failures reported in 2 s");
            }
        });
    }

    /**
     * The back-off is visible from outside: each pause is counted in {@link LoopCounters#acceptBackoffs()} and
     * recorded, from the pause to the resumption, as a {@code dev.customtransport.AcceptBackoff} JFR event.
     */
    @Test
    void acceptBackoffsAreCountedAndRecorded() throws Exception {
        // What this adds to the storm above is Java (a counter, a JFR event); the storm itself runs in both builds.
        Assumptions.assumeTrue(Emulator.name().isEmpty(), () -> "the native run records the back-offs; under "
                + Emulator.name() + " the storm takes five times as long for no native code of its own");
        Path jfr = dir.resolve("emfile.jfr");
        long[] backoffs = new long[1];
        int port = storm(new Storm() {
            @Override
            public void outOfDescriptors(BufferedReader out, long[] start) throws Exception {
                // A few pauses end while the storm lasts: 10, 20, 40, 80 ms...
                long[] later = awaitStat(out, s -> s[3] >= start[3] + 3, "three more back-offs");
                backoffs[0] = later[3];
            }
        }, "-Ddev.customtransport.test.jfr=" + jfr);
        List<RecordedEvent> events = LoopEventsTest.read(jfr, "dev.customtransport.AcceptBackoff");
        System.out.println("[emfile] " + backoffs[0] + " accept back-offs counted; " + events.size()
                + " recorded, the first: " + (events.isEmpty() ? "none" : events.get(0)));
        assertTrue(backoffs[0] >= 3, backoffs[0] + " back-offs counted");
        assertFalse(events.isEmpty(), "no AcceptBackoff event recorded");
        for (RecordedEvent e : events) {
            assertEquals("EMFILE", e.getString("error"), e.toString());
            assertTrue(e.getString("localAddress").endsWith(":" + port), e.toString());
            assertTrue(e.getDuration("pause").toMillis() >= 10, e.toString());
        }
    }

    /** What a test does once the server has reported running out of descriptors ({@code start}: that STAT). */
    private interface Storm {
        void outOfDescriptors(BufferedReader out, long[] start) throws Exception;
    }

    /**
     * Starts {@link EmfileServer} with RLIMIT_NOFILE {@value #LIMIT}, connects {@value #CONNECTIONS} clients, lets
     * {@code test} look at the server while it is out of descriptors, then frees them and checks that every
     * connection is accepted; ends the server and returns its port.
     */
    private static int storm(Storm test, String... jvmArgs) throws Exception {
        String java = Emulator.java();
        List<String> command = new ArrayList<>(Arrays.asList("bash", "-c",
                "ulimit -n " + LIMIT + " && exec \"$0\" \"$@\"", java, "-cp", System.getProperty("java.class.path"),
                "-Xss512k", "--enable-native-access=ALL-UNNAMED"));
        command.addAll(Arrays.asList(jvmArgs));
        command.add(EmfileServer.class.getName());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process child = pb.start();
        List<Socket> clients = new ArrayList<>();
        int port;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assertNotNull(first, "child exited early");
            assertTrue(first.startsWith("PORT "), first);
            port = Integer.parseInt(first.substring(5));
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.add(new Socket("127.0.0.1", port));
            }
            test.outOfDescriptors(out, awaitStat(out, s -> s[1] > 0, "a reported accept failure"));
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
        assertEquals(0, child.exitValue(), "the server's exit status");
        return port;
    }

    /** Reads STAT lines ({@code accepted reports waits acceptBackoffs}) until one satisfies {@code until}. */
    private static long[] awaitStat(BufferedReader out, java.util.function.Predicate<long[]> until, String what)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while ((line = out.readLine()) != null) {
            if (!line.startsWith("STAT ")) {
                continue;
            }
            String[] p = line.split(" ");
            long[] s = {Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3]), Long.parseLong(p[4])};
            if (until.test(s)) {
                return s;
            }
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what + "; last " + line);
        }
        throw new AssertionError("child exited while waiting for " + what);
    }
}

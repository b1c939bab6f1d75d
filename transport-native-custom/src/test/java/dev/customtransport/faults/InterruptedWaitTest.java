package dev.customtransport.faults;

import dev.customtransport.CustomEventLoopGroup;
import dev.customtransport.ReadinessMode;
import dev.customtransport.internal.Emulator;
import dev.customtransport.internal.NativeLibrary;
import dev.customtransport.faults.FaultInjection.Kind;
import dev.customtransport.faults.FaultInjection.Rates;
import dev.customtransport.faults.FaultInjection.Site;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * netty#14368 and netty#16245: a wait that a signal interrupts over and over must still end at the deadline of the
 * next scheduled task. Both were a retry that waited the whole timeout again (or a wrongly converted remainder), so
 * a task behind an interrupted wait was late, or, with signals coming faster than the timeout, never ran.
 *
 * <p>Here every wait is interrupted after half of its timeout (faults.c). A loop that waits again for what remains
 * reaches the deadline in halving steps; one that restarts its timeout never would. Both of the poller's ways to
 * wait are covered: epoll_pwait2 (nanoseconds) in this JVM, and epoll_wait (milliseconds, the fallback where
 * epoll_pwait2 is missing) in a child JVM.
 */
class InterruptedWaitTest {
    private static final long DELAY_MILLIS = 400;
    /** Far above what the halving steps take (a few ms), far below "never". */
    private static final long LATE_MILLIS = 1_500;

    @BeforeAll
    static void faultInjection() {
        FaultInjection.assumeLoaded();
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void aWaitInterruptedAgainAndAgainStillEndsAtTheTimerDeadline(ReadinessMode mode) throws Exception {
        check(run(mode));
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void theMillisecondWaitKeepsTheDeadlineToo(ReadinessMode mode) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Emulator.java(), "--enable-native-access=ALL-UNNAMED",
                "-Ddev.customtransport.epoll.noPwait2=true",
                "-D" + NativeLibrary.LIBRARY_PROPERTY + "=" + System.getProperty(NativeLibrary.LIBRARY_PROPERTY, ""),
                "-cp", System.getProperty("java.class.path"), Child.class.getName(), mode.name());
        pb.redirectErrorStream(true);
        Process child = pb.start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not end: " + out);
        assertEquals(0, child.exitValue(), out);
        String result = out.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new AssertionError("no result from the child: " + out));
        String[] parts = result.split(" ");
        check(new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
    }

    /** [how long after scheduling the task ran (ms), how many waits were interrupted]. */
    static long[] run(ReadinessMode mode) throws Exception {
        FaultInjection.assumeLoaded(); // in the child JVM: loads the library
        FaultInjection.clear();
        FaultInjection.configure(FaultInjection.seedForRun(), new Rates().at(Site.WAIT, Kind.EINTR, 1_000_000));
        CustomEventLoopGroup group = new CustomEventLoopGroup(1, mode);
        try {
            EventLoop loop = group.next();
            loop.submit(() -> { }).sync(); // started, and about to wait with nothing to do
            long start = System.nanoTime();
            ScheduledFuture<Long> task = loop.schedule(System::nanoTime, DELAY_MILLIS, TimeUnit.MILLISECONDS);
            long ranAt = task.get(DELAY_MILLIS + 10 * LATE_MILLIS, TimeUnit.MILLISECONDS);
            long interrupted = FaultInjection.counts().at(Site.WAIT, Kind.EINTR);
            return new long[] {TimeUnit.NANOSECONDS.toMillis(ranAt - start), interrupted};
        } finally {
            FaultInjection.off();
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    private static void check(long[] result) {
        long tookMillis = result[0];
        long interrupted = result[1];
        assertTrue(interrupted >= 5, "the waits were interrupted " + interrupted + " times: too few to tell");
        assertTrue(tookMillis >= DELAY_MILLIS, "the task ran early: after " + tookMillis + " ms");
        assertTrue(tookMillis < DELAY_MILLIS + LATE_MILLIS, "the task scheduled in " + DELAY_MILLIS
                + " ms ran after " + tookMillis + " ms, its waits interrupted " + interrupted + " times");
    }

    /** The scenario in a JVM whose poller waits in milliseconds. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            long[] result = run(ReadinessMode.valueOf(args[0]));
            System.out.println("RESULT " + result[0] + " " + result[1]);
        }
    }
}

package dev.customtransport;

import dev.customtransport.internal.Emulator;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The loop's idle strategies: spinning happens after work, stops after its periods, and replaces wakeups. */
class IdleStrategyTest {

    @Test
    void periodsOutOfRangeAreRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IdleStrategy.backoff(Duration.ofMillis(-1), Duration.ZERO));
        assertTrue(e.getMessage().contains("spin period") && e.getMessage().contains("-0.001S"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> IdleStrategy.backoff(Duration.ZERO, Duration.ofSeconds(2)));
        assertTrue(e.getMessage().contains("yield period") && e.getMessage().contains("0 to 1 s"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> IdleStrategy.park().withBusyPoll(Duration.ofNanos(500)));
        assertTrue(e.getMessage().contains("whole microseconds"), e.getMessage());
        assertEquals(IdleStrategy.park(), IdleStrategy.spinThenPark(Duration.ZERO));
        Duration micros30 = Duration.of(30, ChronoUnit.MICROS);
        assertEquals(micros30, IdleStrategy.park().withBusyPoll(micros30).busyPollPeriod());
    }

    @Test
    void theDefaultNeverPollsWhileIdle() throws Exception {
        CustomEventLoopGroup group = new CustomEventLoopGroup(1);
        try {
            CustomEventLoop loop = (CustomEventLoop) group.next();
            for (int i = 0; i < 100; i++) {
                loop.submit(() -> { }).sync();
            }
            Thread.sleep(50);
            assertEquals(0, loop.submit(() -> loop.counters().idlePolls()).get());
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void spinsAfterWorkThenParks() throws Exception {
        IdleStrategy idle = IdleStrategy.backoff(Duration.ofMillis(20), Duration.ofMillis(20));
        CustomEventLoopGroup group = new CustomEventLoopGroup(1, ReadinessMode.LEVEL_TRIGGERED, idle);
        try {
            CustomEventLoop loop = (CustomEventLoop) group.next();
            long thread = loop.submit(() -> Thread.currentThread().getId()).get();
            // The task is work: the loop polls without blocking for the two periods after it.
            loop.submit(() -> { }).sync();
            Thread.sleep(200);
            // Read from this thread, not by a task, which would be work and start a spin of its own.
            long afterPeriods = loop.counters().idlePolls();
            assertTrue(afterPeriods > 0, "the loop polled while idle after the task: " + loop.counters());

            // Parked now: no more polls, and the thread burns (almost) no CPU. A loop that kept spinning would use
            // most of a core over the 500 ms; the bound is far from both.
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long cpuBefore = mx.getThreadCpuTime(thread);
            Thread.sleep(500);
            long cpuUsed = mx.getThreadCpuTime(thread) - cpuBefore;
            assertEquals(afterPeriods, loop.counters().idlePolls(), "no idle polls once the periods ended");
            assertTrue(cpuUsed < TimeUnit.MILLISECONDS.toNanos(100),
                    "the parked loop used " + TimeUnit.NANOSECONDS.toMillis(cpuUsed) + " ms of CPU in 500 ms");
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aSpinningLoopTakesTasksWithoutAWakeup() throws Exception {
        assertEquals(0, wakeupsForSpacedTasks(IdleStrategy.spinThenPark(Duration.ofMillis(500))),
                "a loop that spins sees the tasks without being woken");
        // The same pattern against a loop that parks at once: each task needs a wakeup. This is what the first
        // assertion would see if spinning did not happen.
        assertTrue(wakeupsForSpacedTasks(IdleStrategy.park()) > 0);
    }

    /** eventfd writes made for 20 tasks submitted 5 ms apart from another thread. */
    private static long wakeupsForSpacedTasks(IdleStrategy idle) throws Exception {
        CustomEventLoopGroup group = new CustomEventLoopGroup(1, ReadinessMode.LEVEL_TRIGGERED, idle);
        try {
            CustomEventLoop loop = (CustomEventLoop) group.next();
            long before = loop.submit(() -> loop.counters().wakeupsWritten()).get();
            CountDownLatch ran = new CountDownLatch(20);
            for (int i = 0; i < 20; i++) {
                loop.execute(ran::countDown);
                Thread.sleep(5);
            }
            assertTrue(ran.await(10, TimeUnit.SECONDS));
            return loop.submit(() -> loop.counters().wakeupsWritten()).get() - before;
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aLoopWithBusyPollRunsOrFailsWithTheReason() throws Exception {
        Emulator.assumeReachesKernel("EPIOCSPARAMS");
        IdleStrategy idle = IdleStrategy.park().withBusyPoll(Duration.of(50, ChronoUnit.MICROS));
        CustomEventLoopGroup group;
        try {
            group = new CustomEventLoopGroup(1, ReadinessMode.LEVEL_TRIGGERED, idle);
        } catch (IllegalStateException e) {
            // kqueue, or a kernel before 6.9: the loop is not created, and the reason says which.
            StringBuilder chain = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                chain.append(t.getMessage()).append(" / ");
            }
            assertTrue(chain.indexOf("Linux epoll feature") >= 0 || chain.indexOf("ENOTTY") >= 0, chain.toString());
            assumeTrue(false, "no busy poll here: " + chain);
            return;
        }
        try {
            CustomEventLoop loop = (CustomEventLoop) group.next();
            assertEquals(idle, loop.submit(() -> loop.handler().idleStrategy()).get());
            assertTrue(loop.submit(() -> loop.handler().toString()).get().contains("busy poll 50 µs"));
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }
}

package dev.customtransport;

import dev.customtransport.internal.Emulator;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JFR events, provoked on purpose and read back from the recording with {@link RecordingFile}: a task that
 * sleeps on a loop (a stall), a lost wakeup. The interest the kernel refuses is in {@link CustomIoHandlerTest}, the
 * accept back-off in {@link EmfileTest} (it needs a process short of descriptors).
 */
class LoopEventsTest {

    @Test
    void aTaskSleepingOnTheLoopIsRecordedAsAStallWithWhatTheIterationDid() throws Exception {
        CustomEventLoopGroup counted = new CustomEventLoopGroup(1);
        EventLoopGroup plain = new MultiThreadIoEventLoopGroup(1, CustomIoHandler.newFactory(ReadinessMode.EDGE_TRIGGERED));
        try (Recording recording = new Recording()) {
            recording.enable("dev.customtransport.LoopStall").withThreshold(Duration.ofMillis(100));
            recording.start();
            String countedThread = stall(counted);
            stall(counted); // the loop's one event object, begun and checked again
            String plainThread = stall(plain);
            recording.stop();
            List<RecordedEvent> events = read(recording, "dev.customtransport.LoopStall");
            System.out.println("[jfr] " + events);

            List<RecordedEvent> c = onThread(events, countedThread);
            assertEquals(2, c.size(), "both stalls: " + c);
            assertTrue(c.get(1).getStartTime().isAfter(c.get(0).getStartTime()), c.toString());
            for (RecordedEvent e : c) {
                assertTrue(e.getDuration().toMillis() >= 100, "over the threshold: " + e);
                assertTrue(e.getLong("tasks") >= 1, "a CustomEventLoopGroup counts its tasks: " + e);
                assertEquals(0, e.getLong("readyRuns"), e.toString());
            }
            RecordedEvent p = onThread(events, plainThread).get(0);
            assertEquals(-1, p.getLong("tasks"), "a plain group's loop does not count tasks: " + p);
        } finally {
            counted.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
            plain.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        }
    }

    @Test
    void disabledEventsAreNotRecorded() throws Exception {
        CustomEventLoopGroup group = new CustomEventLoopGroup(1);
        try (Recording recording = new Recording()) {
            // A recording that does not enable it: the events are @Enabled(false).
            recording.enable("jdk.ThreadSleep");
            recording.start();
            stall(group);
            recording.stop();
            assertTrue(read(recording, "dev.customtransport.LoopStall").isEmpty());
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        }
    }

    @Test
    void aLostWakeupIsRecorded() throws Exception {
        // LoopFaultsTest loses a wakeup in both builds; the event is Java above it.
        Assumptions.assumeTrue(Emulator.name().isEmpty(), () -> "the native run records the missed wakeup; under "
                + Emulator.name() + " it takes ten seconds for no native code of its own");
        CustomEventLoopGroup group = new CustomEventLoopGroup(1);
        try (Recording recording = new Recording()) {
            recording.enable("dev.customtransport.MissedWakeup");
            recording.start();
            CustomEventLoop loop = (CustomEventLoop) group.next();
            String thread = loop.submit(() -> Thread.currentThread().getName()).get();
            long before = loop.submit(() -> loop.counters().missedWakeups()).get();
            LoopFaultsTest.loseOneWakeup(loop);
            assertEquals(1, LoopFaultsTest.awaitMissedWakeups(loop, before));
            recording.stop();
            List<RecordedEvent> events = read(recording, "dev.customtransport.MissedWakeup");
            System.out.println("[jfr] " + events);
            assertEquals(1, events.size(), events.toString());
            RecordedEvent e = events.get(0);
            assertEquals(thread, e.getThread().getJavaName());
            assertEquals(CustomIoHandler.MISSED_WAKEUP_BOUND_NANOS, e.getDuration("bound").toNanos());
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        }
    }

    /**
     * Makes the group's loop run a task that sleeps 300 ms, and waits until the loop has come back to its next wait,
     * where the iteration is checked. Returns the loop's thread name.
     */
    private static String stall(EventLoopGroup group) throws Exception {
        EventLoop loop = group.next();
        CustomIoHandler handler = CustomIoHandler.of(loop);
        long waitsBefore = loop.submit(() -> {
            long waits = handler.counters().waits();
            Thread.sleep(300);
            return waits;
        }).get();
        // A task submitted now may still run in the same batch as the sleeping one: ask until a wait came between.
        while (loop.submit(() -> handler.counters().waits()).get() == waitsBefore) {
            Thread.sleep(1);
        }
        return loop.submit(() -> Thread.currentThread().getName()).get();
    }

    /** The events on {@code thread}, in the order they started; at least one. */
    private static List<RecordedEvent> onThread(List<RecordedEvent> events, String thread) {
        List<RecordedEvent> on = events.stream().filter(e -> thread.equals(e.getThread().getJavaName()))
                .sorted(java.util.Comparator.comparing(RecordedEvent::getStartTime)).collect(Collectors.toList());
        assertFalse(on.isEmpty(), "no event on " + thread + " in " + events);
        return on;
    }

    /** The events named {@code name} in a stopped recording, read back from a file. */
    static List<RecordedEvent> read(Recording recording, String name) throws IOException {
        Path file = Files.createTempFile("loop-events", ".jfr");
        try {
            recording.dump(file);
            return read(file, name);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The events named {@code name} in a recording file. */
    static List<RecordedEvent> read(Path file, String name) throws IOException {
        return RecordingFile.readAllEvents(file).stream().filter(e -> e.getEventType().getName().equals(name))
                .collect(Collectors.toList());
    }
}

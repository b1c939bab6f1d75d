package dev.customtransport.faults;

import dev.customtransport.CustomEventLoopGroup;
import dev.customtransport.CustomIoHandler;
import dev.customtransport.ReadinessMode;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.concurrent.EventExecutor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One soak under fault injection: a loop group in one readiness mode, and the checks every soak ends with: no loop
 * spins once the faults stop, no descriptor and no buffer is left behind. Prints the seed first, so that a failure
 * replays with {@code -Ddev.customtransport.test.faultSeed=<seed>}, and the faults injected by kind at the end.
 */
final class Soak implements AutoCloseable {
    /** Every leak Netty's detector (paranoid in the test JVMs) reports, counted here. */
    private static final AtomicInteger LEAKS = new AtomicInteger();
    /** Waits an idle loop may make in {@link #IDLE}: a spinning one makes thousands. */
    private static final int IDLE_WAITS_MAX = 20;
    private static final Duration IDLE = Duration.ofMillis(500);

    static {
        installLeakCounter();
    }

    final String name;
    final ReadinessMode mode;
    final long seed;
    final CustomEventLoopGroup group;
    private final int fdsBefore;
    private final int leaksBefore;

    Soak(String name, ReadinessMode mode, FaultInjection.Rates rates) throws IOException {
        this.name = name;
        this.mode = mode;
        this.seed = FaultInjection.seedForRun();
        this.fdsBefore = openFds();
        this.leaksBefore = LEAKS.get();
        System.out.println("[faults] " + name + ", " + mode + ": seed " + seed
                + " (replay: -D" + FaultInjection.SEED_PROPERTY + "=" + seed + ")");
        FaultInjection.clear();
        FaultInjection.configure(seed, rates);
        this.group = new CustomEventLoopGroup(2, mode);
    }

    /** Stops the faults and returns what was injected, printed with {@code verified}, a line of figures. */
    FaultInjection.Counts stop(String verified) {
        FaultInjection.off();
        FaultInjection.Counts counts = FaultInjection.counts();
        System.out.println("[faults] " + name + ", " + mode + ", seed " + seed + ": " + verified + "; injected: "
                + counts);
        return counts;
    }

    /** The loops' state, for a failure message. */
    String dump() {
        StringBuilder sb = new StringBuilder();
        for (EventExecutor loop : group) {
            sb.append(CustomIoHandler.of(loop).dump(Duration.ofSeconds(2))).append('\n');
        }
        return sb.toString();
    }

    /** With the faults off and no traffic, each loop waits: a handful of wakeups in {@link #IDLE}, not a spin. */
    void assertLoopsIdle() throws InterruptedException {
        List<Long> before = waits();
        Thread.sleep(IDLE.toMillis());
        List<Long> after = waits();
        for (int i = 0; i < before.size(); i++) {
            long made = after.get(i) - before.get(i);
            assertTrue(made <= IDLE_WAITS_MAX, "loop " + i + " waited " + made + " times in " + IDLE.toMillis()
                    + " ms with nothing to do: it spins (seed " + seed + ")\n" + dump());
        }
    }

    private List<Long> waits() {
        List<Long> waits = new ArrayList<>();
        for (EventExecutor loop : group) {
            waits.add(CustomIoHandler.of(loop).counters().waits());
        }
        return waits;
    }

    /** Shuts the group down, then: every descriptor the soak opened is closed, no buffer leaked. */
    @Override
    public void close() throws Exception {
        FaultInjection.off();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        int fds = openFds();
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
             fds != fdsBefore && System.nanoTime() < deadline; fds = openFds()) {
            Thread.sleep(20);
        }
        assertEquals(fdsBefore, fds, "descriptors open before the soak and after it (seed " + seed + ")");
        // Paranoid detection reports a leak when a later allocation finds the lost buffer collected.
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            for (int j = 0; j < 64; j++) {
                ByteBufAllocator.DEFAULT.directBuffer(8).release();
                ByteBufAllocator.DEFAULT.heapBuffer(8).release();
            }
        }
        assertEquals(leaksBefore, LEAKS.get(), "buffers leaked (see the LEAK: lines above; seed " + seed + ")");
    }

    static int openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count() - 1; // the directory stream's own descriptor
        }
    }

    /**
     * Counts the leaks the detector reports (it still logs them). Set before the first buffer class is
     * initialised: the faults execution runs only this package, whose classes all start here.
     */
    private static void installLeakCounter() {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                       long maxActive) {
                return new ResourceLeakDetector<T>(resource, samplingInterval, maxActive) {
                    @Override
                    protected void reportTracedLeak(String resourceType, String records) {
                        LEAKS.incrementAndGet();
                        super.reportTracedLeak(resourceType, records);
                    }

                    @Override
                    protected void reportUntracedLeak(String resourceType) {
                        LEAKS.incrementAndGet();
                        super.reportUntracedLeak(resourceType);
                    }
                };
            }
        });
    }
}

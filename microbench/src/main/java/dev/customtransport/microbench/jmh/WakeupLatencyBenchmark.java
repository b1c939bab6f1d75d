package dev.customtransport.microbench.jmh;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Cross-thread task submission: the benchmark thread hands a task to an event loop with {@code execute} and spins
 * until the loop has run it. The score is that hand-off's latency.
 *
 * <ul>
 *   <li>{@code loop=asleep}: before each operation (outside the timed part) the benchmark thread pauses for
 *       {@link #IDLE_MICROS} us, so the loop is blocked in its poller when the task arrives: the latency includes
 *       the wakeup (an eventfd write for epoll and ours, a selector wakeup for NIO, a ring wakeup for io_uring)
 *       and the loop's return from the wait.</li>
 *   <li>{@code loop=awake}: back to back; the loop is usually still running when the next task comes, which is
 *       the path that must not write the eventfd at all.</li>
 * </ul>
 *
 * <pre>java -jar transport-native-custom-microbench.jar jmh WakeupLatency -bm sample</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled"})
@Threads(1)
public class WakeupLatencyBenchmark {
    static final long IDLE_MICROS = 200;
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Param({"custom-lt", "epoll", "io_uring", "nio"})
    public String transport;

    @Param({"asleep", "awake"})
    public String loop;

    private EventLoopGroup group;
    private EventLoop eventLoop;
    private boolean pause;
    private volatile long ran;
    private long submitted;
    private final Runnable task = () -> ran++; // only the loop writes it

    @Setup(Level.Trial)
    public void setUp() {
        group = BenchTransport.of(transport).newGroup();
        eventLoop = group.next();
        pause = "asleep".equals(loop);
    }

    @Setup(Level.Invocation)
    public void letTheLoopSleep() {
        if (pause) {
            LockSupport.parkNanos(IDLE_MICROS * 1000);
        }
    }

    @Benchmark
    public long handOff() throws TimeoutException {
        long target = ++submitted;
        eventLoop.execute(task);
        long deadline = 0;
        int spins = 0;
        while (ran < target) {
            Thread.onSpinWait();
            if (++spins == 1 << 16) {
                spins = 0;
                long now = System.nanoTime();
                if (deadline == 0) {
                    deadline = now + TIMEOUT_NANOS;
                } else if (now > deadline) {
                    throw new TimeoutException("the loop did not run the task within 10 s");
                }
            }
        }
        return target;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

package dev.customtransport;

import java.time.Duration;
import java.util.Objects;

/**
 * What an event loop does when an iteration found nothing to do, modelled on Agrona's {@code IdleStrategy}
 * (spin, then yield, then park). Here "park" is the poller's blocking wait, which I/O, a timer or a task from
 * another thread ends.
 *
 * <ul>
 *   <li>{@link #park()} (the default): block in the poller at once. Costs nothing while idle; the first message
 *   after a quiet spell pays the scheduler's wake-up of the loop thread.</li>
 *   <li>{@link #backoff(Duration, Duration)}: after the last piece of work (an event, a ready-queue run or a task),
 *   keep polling without blocking for the spin period ({@link Thread#onSpinWait()} between polls), then for the
 *   yield period with {@link Thread#yield()} between polls, and only then block. A message that arrives meanwhile is
 *   picked up by a running thread, which cuts ping-pong latency; the price is a core kept busy (one non-blocking
 *   {@code epoll_wait} or {@code kevent} per spin) for up to the two periods after each burst of work.
 *   {@link LoopCounters#idlePolls()} counts those polls.</li>
 * </ul>
 *
 * <p>{@link #withBusyPoll(Duration)} additionally asks the kernel to busy-poll the network device's queue inside
 * the loop's waits (Linux 6.9+ per-epoll busy poll, {@code EPIOCSPARAMS}). That helps only for sockets whose
 * packets come through a NIC queue with NAPI (not loopback), and only with a driver that supports it; a kernel or
 * backend without it makes the loop's creation fail with the reason rather than run without it.
 *
 * <pre>{@code
 * // Spin 50 µs, then yield for 200 µs, then block; for latency-sensitive servers with a core to spare.
 * IdleStrategy idle = IdleStrategy.backoff(Duration.of(50, ChronoUnit.MICROS), Duration.of(200, ChronoUnit.MICROS));
 * EventLoopGroup group = new CustomEventLoopGroup(1, ReadinessMode.LEVEL_TRIGGERED, idle);
 * // or, with a plain Netty group:
 * EventLoopGroup other = new MultiThreadIoEventLoopGroup(1,
 *         CustomIoHandler.newFactory(ReadinessMode.LEVEL_TRIGGERED, idle));
 * }</pre>
 */
public final class IdleStrategy {
    private static final IdleStrategy PARK = new IdleStrategy(0, 0, 0);
    /** The busy poll budget (packets per poll) the kernel uses by default; above 64 needs CAP_NET_ADMIN. */
    static final int BUSY_POLL_BUDGET = 8;

    final long spinNanos;
    final long yieldNanos;
    final int busyPollMicros;

    private IdleStrategy(long spinNanos, long yieldNanos, int busyPollMicros) {
        this.spinNanos = spinNanos;
        this.yieldNanos = yieldNanos;
        this.busyPollMicros = busyPollMicros;
    }

    /** Block in the poller as soon as there is nothing to do (the default). */
    public static IdleStrategy park() {
        return PARK;
    }

    /** {@code backoff(spin, Duration.ZERO)}: spin, then block. */
    public static IdleStrategy spinThenPark(Duration spin) {
        return backoff(spin, Duration.ZERO);
    }

    /**
     * Poll without blocking for {@code spin} after the last work, then keep polling with {@link Thread#yield()} for
     * {@code yield}, then block.
     *
     * @throws IllegalArgumentException if a period is negative or longer than one second (a loop that never
     *                                  blocks is a busy loop, not an idle strategy)
     */
    public static IdleStrategy backoff(Duration spin, Duration yield) {
        long s = checkPeriod("spin", spin);
        long y = checkPeriod("yield", yield);
        return s == 0 && y == 0 ? PARK : new IdleStrategy(s, y, 0);
    }

    /**
     * This strategy, plus kernel busy polling of the device queue for up to {@code period} inside each wait (epoll
     * only: {@code EPIOCSPARAMS}, Linux 6.9+). {@code Duration.ZERO} turns it off.
     *
     * @throws IllegalArgumentException if the period is negative, shorter than a microsecond but not zero, or
     *                                  longer than one second
     */
    public IdleStrategy withBusyPoll(Duration period) {
        long nanos = checkPeriod("busy poll", period);
        if (nanos != 0 && nanos < 1000) {
            throw new IllegalArgumentException("busy poll period: " + period
                    + " (the kernel counts it in whole microseconds; use at least 1 µs, or zero for off)");
        }
        return new IdleStrategy(spinNanos, yieldNanos, (int) (nanos / 1000));
    }

    /** How long the loop polls without blocking, spinning, after its last work. */
    public Duration spinPeriod() {
        return Duration.ofNanos(spinNanos);
    }

    /** How long the loop then polls with {@link Thread#yield()} before it blocks. */
    public Duration yieldPeriod() {
        return Duration.ofNanos(yieldNanos);
    }

    /** The kernel busy-poll period of the loop's waits; zero when off. */
    public Duration busyPollPeriod() {
        return Duration.ofNanos(busyPollMicros * 1000L);
    }

    /** True if the loop ever polls instead of blocking while idle. */
    boolean spins() {
        return spinNanos + yieldNanos > 0;
    }

    private static long checkPeriod(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException(what + " period: " + d + " (expected 0 to 1 s)");
        }
        return d.toNanos();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof IdleStrategy)) {
            return false;
        }
        IdleStrategy other = (IdleStrategy) o;
        return spinNanos == other.spinNanos && yieldNanos == other.yieldNanos
                && busyPollMicros == other.busyPollMicros;
    }

    @Override
    public int hashCode() {
        return Objects.hash(spinNanos, yieldNanos, busyPollMicros);
    }

    @Override
    public String toString() {
        if (!spins() && busyPollMicros == 0) {
            return "IdleStrategy(park)";
        }
        return "IdleStrategy(spin " + spinNanos / 1000 + " µs, yield " + yieldNanos / 1000 + " µs, then park"
                + (busyPollMicros == 0 ? "" : "; busy poll " + busyPollMicros + " µs") + ')';
    }
}

package dev.customtransport.micrometer;

import dev.customtransport.CustomEventLoop;
import dev.customtransport.CustomIoHandler;
import dev.customtransport.LoopCounters;
import dev.customtransport.ReadinessMode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Micrometer meters for the event loops of one group of transport-native-custom: per loop, what the loop counts
 * ({@link LoopCounters}) as function counters, its registered channels, pending tasks, ready-queue depth and I/O
 * ratio as gauges, and its lag (how long a periodic probe task waits to run) as a timer.
 *
 * <pre>{@code
 * EventLoopGroup workers = new MultiThreadIoEventLoopGroup(CustomIoHandler.newFactory());
 * new CustomEventLoopMetrics(workers, "workers").bindTo(registry);
 * }</pre>
 *
 * <p>Any group whose loops were made with {@link CustomIoHandler#newFactory} works, a
 * {@link dev.customtransport.CustomEventLoopGroup} or a plain {@code MultiThreadIoEventLoopGroup} (the form
 * frameworks use); loops of other transports are skipped, so binding a group that fell back to NIO registers
 * nothing. Each meter is tagged {@code group} (the name given here), {@code loop} (the loop's index in the group)
 * and {@code readiness} ({@code level-triggered} or {@code edge-triggered}), plus the tags given here.
 *
 * <p>The counters have one writer, the loop thread, so they are read there: every probe interval (1 s unless
 * given) a probe task is submitted to each loop (from Netty's {@link GlobalEventExecutor} thread); it records how
 * long it waited to run and publishes a copy of the counters, the channel count and the I/O ratio for the meters.
 * What a scrape sees is at most one interval old. The probe wakes an idle loop once per interval but leaves a loop
 * that Netty's auto-scaling suspended alone (and, not being a scheduled task, does not keep one from suspending);
 * the I/O ratio costs each loop a {@code System.nanoTime()} pair per iteration from the first bind on.
 * {@link #close()} stops the probes for good; the meters then keep their last values.
 */
public final class CustomEventLoopMetrics implements MeterBinder, AutoCloseable {
    /** How often each loop is probed unless the constructor is given an interval. */
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(1);

    private final String groupName;
    private final Iterable<Tag> tags;
    private final long intervalNanos;
    private final List<LoopProbe> probes;
    /** The periodic submission of the probes, from the first bind on; null before. */
    private ScheduledFuture<?> ticker;
    private boolean closed;

    /** Meters for the loops of {@code group}, tagged {@code group=groupName}. */
    public CustomEventLoopMetrics(EventLoopGroup group, String groupName) {
        this(group, groupName, Tags.empty());
    }

    /** Meters for the loops of {@code group}, tagged {@code group=groupName} and with {@code tags}. */
    public CustomEventLoopMetrics(EventLoopGroup group, String groupName, Iterable<Tag> tags) {
        this(group, groupName, tags, DEFAULT_PROBE_INTERVAL);
    }

    /**
     * Meters for the loops of {@code group}, tagged {@code group=groupName} and with {@code tags}, each loop probed
     * every {@code probeInterval}: a shorter interval catches shorter stalls in the lag timer and costs an idle loop
     * more wakeups.
     */
    public CustomEventLoopMetrics(EventLoopGroup group, String groupName, Iterable<Tag> tags, Duration probeInterval) {
        Objects.requireNonNull(group, "group");
        this.groupName = Objects.requireNonNull(groupName, "groupName");
        this.tags = Objects.requireNonNull(tags, "tags");
        if (probeInterval.isNegative() || probeInterval.isZero()) {
            throw new IllegalArgumentException("probeInterval must be positive: " + probeInterval);
        }
        this.intervalNanos = probeInterval.toNanos();
        List<LoopProbe> found = new ArrayList<>();
        int index = 0;
        for (EventExecutor loop : group) {
            CustomIoHandler handler = CustomIoHandler.of(loop);
            if (handler != null) {
                found.add(new LoopProbe(loop, handler, index));
            }
            index++;
        }
        this.probes = Collections.unmodifiableList(found);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        synchronized (this) {
            if (ticker == null && !closed && !probes.isEmpty()) {
                probes.forEach(LoopProbe::start);
                ticker = GlobalEventExecutor.INSTANCE.scheduleWithFixedDelay(this::tick, 0, intervalNanos,
                        TimeUnit.NANOSECONDS);
            }
        }
        for (LoopProbe probe : probes) {
            bind(registry, probe, Tags.concat(tags, "group", groupName, "loop", Integer.toString(probe.index),
                    "readiness", tagValue(probe.handler.readinessMode())));
        }
    }

    /** Stops probing the loops, for good; the meters keep the last values the probes published. */
    @Override
    public synchronized void close() {
        closed = true;
        probes.forEach(LoopProbe::stop);
        if (ticker != null) {
            ticker.cancel(false);
        }
    }

    /** Every interval, on Netty's global executor: a probe for each loop; ends once every loop has shut down. */
    private void tick() {
        boolean live = false;
        for (LoopProbe p : probes) {
            p.submit();
            live |= !p.isStopped();
        }
        if (!live) {
            close();
        }
    }

    private static void bind(MeterRegistry registry, LoopProbe p, Tags tags) {
        counter(registry, p, tags, "customtransport.loop.waits", BaseUnits.OPERATIONS, LoopCounters::waits,
                "Waits in the poller (epoll_wait, kevent), blocking or not");
        counter(registry, p, tags, "customtransport.loop.idle.polls", BaseUnits.OPERATIONS, LoopCounters::idlePolls,
                "Non-blocking polls the idle strategy made instead of blocking (also counted as waits)");
        counter(registry, p, tags, "customtransport.loop.events", BaseUnits.EVENTS, LoopCounters::events,
                "Kernel events the waits returned, wakeups included");
        counter(registry, p, tags, "customtransport.loop.events.stale", BaseUnits.EVENTS, LoopCounters::staleEvents,
                "Events dropped because their channel's registration was freed earlier in the same batch");
        counter(registry, p, tags, "customtransport.loop.wakeups.written", BaseUnits.OPERATIONS,
                LoopCounters::wakeupsWritten, "Wakeup writes (eventfd, EVFILT_USER) other threads made to wake the loop");
        counter(registry, p, tags, "customtransport.loop.wakeups.missed", BaseUnits.OPERATIONS,
                LoopCounters::missedWakeups,
                "Claimed wakeups whose event never arrived, caught by the bounded wait (work waited up to its bound)");
        String changes = "Interest changes given to the poller (epoll_ctl, kevent changes)";
        counter(registry, p, tags.and("operation", "add"), "customtransport.loop.poller.changes",
                BaseUnits.OPERATIONS, LoopCounters::controlAdds, changes);
        counter(registry, p, tags.and("operation", "modify"), "customtransport.loop.poller.changes",
                BaseUnits.OPERATIONS, LoopCounters::controlModifies, changes);
        counter(registry, p, tags.and("operation", "delete"), "customtransport.loop.poller.changes",
                BaseUnits.OPERATIONS, LoopCounters::controlDeletes, changes);
        counter(registry, p, tags, "customtransport.loop.ready.enqueues", BaseUnits.OPERATIONS,
                LoopCounters::readyQueueEnqueues, "Channels put on the ready queue: work the kernel will not announce");
        counter(registry, p, tags, "customtransport.loop.ready.runs", BaseUnits.OPERATIONS,
                LoopCounters::readyQueueRuns, "Channels run from the ready queue");
        counter(registry, p, tags, "customtransport.loop.exceptions", null, LoopCounters::loopExceptions,
                "Unexpected exceptions in the loop itself, each followed by a one-second pause");
        counter(registry, p, tags, "customtransport.loop.accept.backoffs", null, LoopCounters::acceptBackoffs,
                "Pauses of a server channel's accepting after accept failed for want of descriptors or memory");
        if (p.loop instanceof CustomEventLoop) {
            // Only CustomEventLoop's task queue counts the tasks it hands out; a plain group's loops do not.
            counter(registry, p, tags, "customtransport.loop.tasks.completed", BaseUnits.TASKS,
                    LoopCounters::tasksRun, "Tasks the loop ran");
        }

        Gauge.builder("customtransport.loop.channels", p, LoopProbe::channels).tags(tags).baseUnit("channels")
                .description("Channels registered with the loop").register(registry);
        Gauge.builder("customtransport.loop.tasks.pending", p, LoopProbe::pendingTasks).tags(tags)
                .baseUnit(BaseUnits.TASKS).description("Tasks waiting in the loop's queue").register(registry);
        Gauge.builder("customtransport.loop.ready.queued", p, probe -> probe.handler.readyQueueDepth()).tags(tags)
                .baseUnit("channels").description("Channels on the ready queue now").register(registry);
        Gauge.builder("customtransport.loop.io.ratio", p, LoopProbe::ioRatio).tags(tags)
                .description("Share of the last probe interval the loop spent handling I/O (0 to 1): dispatching"
                        + " kernel events and running the ready queue, not waiting and not running tasks")
                .register(registry);
        TimeGauge.builder("customtransport.loop.lag.current", p, TimeUnit.NANOSECONDS, LoopProbe::currentLagNanos)
                .tags(tags).description("How long the probe task in flight has waited so far: near 0 while the loop"
                        + " keeps up, growing while it is busy or stuck").register(registry);
        p.addLagTimer(Timer.builder("customtransport.loop.lag").tags(tags)
                .description("How long each probe task waited from its submission to its start: what work"
                        + " submitted to the loop waits, the wakeup of a sleeping loop included")
                .register(registry));
    }

    private static void counter(MeterRegistry registry, LoopProbe p, Tags tags, String name, String unit,
                                ToLongFunction<LoopCounters> value, String description) {
        FunctionCounter.builder(name, p, probe -> {
            LoopCounters c = probe.counters();
            return c == null ? 0 : value.applyAsLong(c);
        }).tags(tags).baseUnit(unit).description(description).register(registry);
    }

    private static String tagValue(ReadinessMode mode) {
        return mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

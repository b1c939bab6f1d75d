package dev.customtransport;

import dev.customtransport.internal.HandleTable;
import dev.customtransport.internal.LoopScratch;
import dev.customtransport.internal.NativeLibrary;
import dev.customtransport.internal.Poller;
import dev.customtransport.internal.WakeState;
import io.netty.channel.Channel;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.concurrent.ThreadAwareExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The event loop of this transport, as a Netty {@link IoHandler}. Pass its factory to a
 * {@link io.netty.channel.MultiThreadIoEventLoopGroup} and use the {@code Custom*} channel classes:
 *
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(CustomIoHandler.newFactory());
 * ServerBootstrap b = new ServerBootstrap()
 *     .group(group)
 *     .channel(CustomServerSocketChannel.class)
 *     .childHandler(new MyInitializer());
 * }</pre>
 *
 * <p>Each iteration applies the interest changes recorded since the last one, waits in the poller (or just
 * polls, when tasks or ready work are waiting), dispatches the ready events decoded in place from the event
 * array, then drains the ready queue: handles with work the kernel will not announce again. It blocks only when
 * the task queue, the due timers and the ready queue are all empty.
 *
 * <p>Seen from outside: {@link #of(EventExecutor)} finds the handler of a loop under any group, {@link #counters()}
 * counts what the loop did, {@link #dump(Duration)} describes it and its channels, and the JFR events of
 * {@code LoopEvents} ({@code dev.customtransport.LoopStall}, {@code .MissedWakeup}, {@code .AcceptBackoff},
 * {@code .ChannelClosedByLoop}) are written when a recording enables them.
 */
public final class CustomIoHandler implements IoHandler {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(CustomIoHandler.class);

    /**
     * The longest a wait may last: the missed-wakeup safety net. A wakeup claimed by another thread whose eventfd
     * event has not arrived within it is counted in {@link LoopCounters#missedWakeups()} and no longer waited for.
     */
    static final long MISSED_WAKEUP_BOUND_NANOS =
            TimeUnit.MILLISECONDS.toNanos(Long.getLong("dev.customtransport.missedWakeupBoundMillis", 1000));
    private static final int INITIAL_EVENTS = 512;
    private static final int MAX_EVENTS = 64 * 1024;
    /**
     * Each handler by the executor Netty made it for (the loop itself), so that {@link #of} finds it whatever class
     * the loop is. Weak keys, and weak values since a handler holds its executor: the map keeps neither alive.
     */
    private static final Map<ThreadAwareExecutor, WeakReference<CustomIoHandler>> HANDLERS =
            Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * A factory of level-triggered handlers, for {@link io.netty.channel.MultiThreadIoEventLoopGroup}.
     *
     * @throws UnsatisfiedLinkError when the transport is not available here (see {@link Custom#unavailabilityCause()})
     */
    public static IoHandlerFactory newFactory() {
        return newFactory(ReadinessMode.LEVEL_TRIGGERED);
    }

    /**
     * A factory of handlers whose channels use {@code mode} unless a channel says otherwise with
     * {@link CustomChannelOption#READINESS_MODE}.
     *
     * <pre>{@code
     * new MultiThreadIoEventLoopGroup(CustomIoHandler.newFactory(ReadinessMode.EDGE_TRIGGERED));
     * }</pre>
     */
    public static IoHandlerFactory newFactory(ReadinessMode mode) {
        return newFactory(mode, IdleStrategy.park());
    }

    /**
     * A factory of handlers with readiness {@code mode} that spend idle time as {@code idle} says.
     *
     * <pre>{@code
     * new MultiThreadIoEventLoopGroup(1, CustomIoHandler.newFactory(ReadinessMode.LEVEL_TRIGGERED,
     *         IdleStrategy.spinThenPark(Duration.of(100, ChronoUnit.MICROS))));
     * }</pre>
     */
    public static IoHandlerFactory newFactory(ReadinessMode mode, IdleStrategy idle) {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(idle, "idle");
        Custom.ensureAvailability();
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                return new CustomIoHandler(executor, mode, idle);
            }

            @Override
            public boolean isChangingThreadSupported() {
                // Nothing here is tied to a thread: suspension and auto-scaling may move us.
                return true;
            }

            @Override
            public String toString() {
                return "CustomIoHandlerFactory(" + mode + ", " + idle + ')';
            }
        };
    }

    private final ThreadAwareExecutor executor;
    private final ReadinessMode mode;
    private final IdleStrategy idle;
    private final boolean spinWhenIdle;
    /** When the loop last had work (System.nanoTime()); only kept when it spins while idle. */
    private long lastWorkNanos;
    private final Poller poller;
    private final HandleTable<Registration> registrations = new HandleTable<>(64);
    private final List<Registration> changes = new ArrayList<>();
    // The atomic (VarHandle-free, Unsafe-free) JCTools variant: the Unsafe one makes JDK 24+ print a
    // "terminally deprecated method in sun.misc.Unsafe" warning in every application that uses us.
    private final MpscUnboundedAtomicArrayQueue<Registration> readyQueue = new MpscUnboundedAtomicArrayQueue<>(256);
    private final WakeState wakeState = new WakeState();
    private final CustomIoEvent event = new CustomIoEvent();
    private final LoopCounters counters = new LoopCounters();
    private final AtomicLong wakeupsWritten = new AtomicLong();
    private final AtomicLong remoteReadyEnqueues = new AtomicLong();
    /** Native memory the channels borrow for one call at a time; freed in destroy(). */
    private final LoopScratch scratch = new LoopScratch();
    /** Set by CustomEventLoop, whose task queue counts what it hands out; null under a plain group. */
    LongSupplier tasksRun;
    /**
     * Set by the first prepareToDestroy: from then on registrations are refused. One accepted now would be closed by
     * the next prepareToDestroy, or, registered by the very last tasks, by destroy, when the loop no longer takes
     * the deregistration task closing queues (Netty logs that rejection as a warning).
     */
    private boolean shuttingDown;
    /** {@link #initialize()} registered the shutdown hook. */
    private boolean shutdownHookAdded;
    /** A wakeup was claimed during our last sleep and its eventfd event has not been seen yet. */
    private boolean pendingWakeup;
    /** {@link #measureActiveIoTime()} was called: run() adds up {@link LoopCounters#activeIoNanos()}. */
    private boolean measureIo;
    /** This loop's JFR stall event, reused from iteration to iteration; null where the runtime has no JFR. */
    private final LoopEvents.LoopStall stall = LoopEvents.newLoopStall();
    /** The stall event was begun after the last wait and is checked at the start of the next. */
    private boolean stallTimed;
    /** The thread running the loop, set in {@link #initialize()}: {@link #dump} shows its stack if the loop is stuck. */
    private volatile Thread loopThread;

    private CustomIoHandler(ThreadAwareExecutor executor, ReadinessMode mode, IdleStrategy idle) {
        NativeLibrary.ensureLoaded();
        this.executor = Objects.requireNonNull(executor, "executor");
        this.mode = mode;
        this.idle = idle;
        this.spinWhenIdle = idle.spins();
        // As if the last work were just long enough ago: a new loop blocks at once (nanoTime may be negative).
        this.lastWorkNanos = System.nanoTime() - idle.spinNanos - idle.yieldNanos;
        try {
            poller = Poller.open(INITIAL_EVENTS, MAX_EVENTS, this::recoverLostEvents);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the poller: " + e.getMessage(), e);
        }
        if (idle.busyPollMicros > 0) {
            try {
                poller.busyPoll(idle.busyPollMicros, IdleStrategy.BUSY_POLL_BUDGET);
            } catch (IOException | UnsupportedOperationException e) {
                poller.close();
                throw new IllegalStateException("cannot use " + idle + ": " + e.getMessage(), e);
            }
        }
        HANDLERS.put(executor, new WeakReference<>(this));
    }

    /**
     * The handler running {@code loop}, or null if {@code loop} is not one of this transport's. Works for the loops
     * of any group made over {@link #newFactory}: a {@link CustomEventLoopGroup}, a plain
     * {@link io.netty.channel.MultiThreadIoEventLoopGroup} (the form frameworks use), a
     * {@link io.netty.channel.ManualIoEventLoop}.
     *
     * <pre>{@code
     * EventLoopGroup group = new MultiThreadIoEventLoopGroup(CustomIoHandler.newFactory());
     * for (EventExecutor loop : group) {
     *     CustomIoHandler handler = CustomIoHandler.of(loop);
     *     ...
     * }
     * }</pre>
     */
    public static CustomIoHandler of(EventExecutor loop) {
        WeakReference<CustomIoHandler> ref = HANDLERS.get(loop);
        return ref == null ? null : ref.get();
    }

    /** How this loop spends idle time. */
    public IdleStrategy idleStrategy() {
        return idle;
    }

    /** The readiness mode channels of this loop use unless they override it. */
    public ReadinessMode readinessMode() {
        return mode;
    }

    /**
     * This loop's counters; read them on the loop thread for exact values, or take a {@link LoopCounters#copy()}
     * there for another thread:
     *
     * <pre>{@code
     * LoopCounters c = loop.submit(() -> CustomIoHandler.of(loop).counters().copy()).get();
     * }</pre>
     */
    public LoopCounters counters() {
        counters.wakeupsWritten = wakeupsWritten.get();
        counters.remoteReadyEnqueues = remoteReadyEnqueues.get();
        counters.tasksRun = tasksRunSoFar();
        counters.controlCalls = poller.controlCalls();
        return counters;
    }

    /**
     * Channels registered with this loop: exact on the loop thread, possibly stale elsewhere (a plain
     * {@code MultiThreadIoEventLoopGroup}'s loops answer -1 to Netty's {@code registeredChannels()}; this does not).
     */
    public int registeredChannels() {
        return registrations.size();
    }

    /** Handles on the ready queue now. Any thread; approximate while other threads add to it. */
    public int readyQueueDepth() {
        return readyQueue.size();
    }

    /**
     * Starts adding up the time this loop spends handling I/O, {@link LoopCounters#activeIoNanos()}: from now on each
     * iteration reads {@code System.nanoTime()} twice. Any thread; the loop takes it up at its next task. There is
     * no turning it off: meters that read it keep reading.
     */
    public void measureActiveIoTime() {
        if (inLoop()) {
            measureIo = true;
            return;
        }
        try {
            execute(() -> measureIo = true);
        } catch (RejectedExecutionException e) {
            // Shut down: there is no I/O left to measure.
        }
    }

    /**
     * Describes this loop and its channels for investigating it, a stuck loop in particular: its counters, the
     * ready queue, the pending tasks and, for each registered channel, its descriptor, the interest it wants and the
     * one the kernel has, its readiness state and whether it waits on the ready queue.
     *
     * <p>Safe from any thread: the description is made on the loop, so it is exact, and this waits at most
     * {@code timeout} for it. A loop that does not answer in time is busy or stuck; the text then says so and gives
     * what can be read without the loop: the stack of its thread, the ready-queue depth, the pending tasks and the
     * counters as last written (possibly stale).
     *
     * <pre>{@code
     * for (EventExecutor loop : group) {
     *     CustomIoHandler handler = CustomIoHandler.of(loop);
     *     if (handler != null) {
     *         System.err.println(handler.dump(Duration.ofSeconds(1)));
     *     }
     * }
     * }</pre>
     */
    public String dump(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return LoopDump.dump(this, timeout);
    }

    @Override
    public int run(IoHandlerContext context) {
        if (stallTimed) {
            stallTimed = false;
            LoopEvents.iterationEnded(stall, counters.readyRuns, tasksRunSoFar(), registrations.size());
        }
        applyChanges();
        int n;
        boolean busy = !context.canBlock() || !readyQueue.isEmpty();
        try {
            if (busy) {
                n = poller.pollNow();
            } else if (spinWhenIdle && idleSpin()) {
                counters.idlePolls++;
                n = poller.pollNow();
            } else {
                n = sleep(context);
            }
        } catch (IOException e) {
            handleLoopException(e);
            return 0;
        }
        counters.waits++;
        if (stall != null && stall.isEnabled()) {
            // JFR's own enabled check (a static read); the event then costs two timestamps per iteration.
            LoopEvents.iterationBegan(stall, n, counters.readyRuns, tasksRunSoFar());
            stallTimed = true;
        }
        boolean report = context.shouldReportActiveIoTime();
        boolean timed = report || measureIo;
        long start = timed ? System.nanoTime() : 0;
        int handled = processReady(n);
        handled += drainReadyQueue();
        if (timed) {
            long active = System.nanoTime() - start;
            counters.activeIoNanos += active;
            if (report) {
                context.reportActiveIoTime(active);
            }
        }
        if (spinWhenIdle && (busy || n > 0)) {
            // Tasks to run, queued work or any event (a wakeup means a task): the idle periods restart.
            lastWorkNanos = System.nanoTime();
        }
        return handled;
    }

    /** True if the idle strategy says to poll again rather than block; spins or yields first. */
    private boolean idleSpin() {
        long idleFor = System.nanoTime() - lastWorkNanos;
        if (idleFor < idle.spinNanos) {
            Thread.onSpinWait();
            return true;
        }
        if (idleFor < idle.spinNanos + idle.yieldNanos) {
            Thread.yield();
            return true;
        }
        return false;
    }

    private int sleep(IoHandlerContext context) throws IOException {
        wakeState.publishSleeping();
        int n;
        boolean claimed;
        boolean blocked = false;
        boolean capped = false;
        try {
            // Re-check after publishing: a producer that enqueued before our store will not write the eventfd.
            if (!context.canBlock() || !readyQueue.isEmpty()) {
                n = poller.pollNow();
            } else {
                long timeout = context.deadlineNanos() == -1 ? -1
                        : Math.max(0, context.delayNanos(System.nanoTime()));
                // Never block longer than the bound: a claimed wakeup whose eventfd write is lost would otherwise
                // leave a loop with no timer asleep for good, its new tasks unrun. An idle loop pays one wait per
                // bound.
                if (timeout < 0 || timeout > MISSED_WAKEUP_BOUND_NANOS) {
                    timeout = MISSED_WAKEUP_BOUND_NANOS;
                    capped = true;
                }
                blocked = true;
                n = poller.poll(timeout);
            }
        } finally {
            claimed = wakeState.wakeClaimedWhileSleeping();
        }
        if (blocked && n == 0 && (claimed || (capped && pendingWakeup))) {
            // A wakeup was claimed and its eventfd event did not arrive before the wait ran out (this one, or a
            // whole bounded one after the sleep it was claimed in): count it and stop waiting for it. A producer
            // preempted between its claim and its write just as the wait ends is counted too; its late event is
            // then one spurious wakeup.
            pendingWakeup = false;
            counters.missedWakeups++;
            LoopEvents.missedWakeup(MISSED_WAKEUP_BOUND_NANOS);
            logger.debug("missed eventfd wakeup recovered after a wait of at most {} ms",
                    TimeUnit.NANOSECONDS.toMillis(MISSED_WAKEUP_BOUND_NANOS));
        } else if (claimed) {
            pendingWakeup = true;
        }
        return n;
    }

    private int processReady(int n) {
        int handled = 0;
        counters.events += n;
        for (int i = 0; i < n; i++) {
            long token = poller.token(i);
            if (token == Poller.WAKER_TOKEN) {
                pendingWakeup = false;
                continue;
            }
            if (token == Poller.TIMER_TOKEN) {
                continue;
            }
            int bits = poller.events(i);
            if (bits == 0) {
                // A change receipt (kqueue: a queued change for an fd closed meanwhile), not an event.
                continue;
            }
            Registration r = registrations.get(token);
            if (r == null) {
                // Its slot was freed earlier in this batch (closed, perhaps reused): not the new owner's event.
                counters.staleEvents++;
                continue;
            }
            event.bits = bits;
            event.socketError = poller.socketError(i);
            dispatch(r);
            handled++;
        }
        poller.afterBatch(n);
        return handled;
    }

    /** The poller may have dropped events (see {@link Poller#open}): each handle's readiness mode decides. */
    private void recoverLostEvents() {
        counters.droppedEventRecoveries++;
        for (Registration r : registrations.values()) {
            if (r.applied != 0 && !r.removed) {
                r.handle.eventsMayHaveBeenLost();
            }
        }
    }

    private int drainReadyQueue() {
        // Only what is queued now: a handle that queues itself again waits for the next iteration, after the
        // kernel's events, so one busy channel cannot starve the others.
        int count = readyQueue.size();
        int handled = 0;
        for (int i = 0; i < count; i++) {
            Registration r = readyQueue.relaxedPoll();
            if (r == null) {
                break;
            }
            int work = r.takeReadyWork();
            if (r.removed || work == 0) {
                continue;
            }
            counters.readyRuns++;
            event.bits = work | CustomIoEvent.QUEUED;
            event.socketError = 0;
            dispatch(r);
            handled++;
        }
        return handled;
    }

    private void dispatch(Registration r) {
        try {
            r.handle.handle(r, event);
        } catch (Throwable t) {
            try {
                logger.warn("Unexpected exception from {} handling {}", r.handle, event, t);
            } catch (Throwable logFailure) {
                // Logging can fail too (out of descriptors, a logger opening a file): the loop must go on, and
                // there is nowhere left to report it.
            }
        }
    }

    void enqueueReady(Registration r) {
        readyQueue.offer(r);
        if (inLoop()) {
            counters.readyEnqueues++;
        } else {
            // Counters have one writer, the loop; other threads count here and counters() adds it in.
            remoteReadyEnqueues.incrementAndGet();
            wakeup();
        }
    }

    void changeInterest(Registration r, int bits) {
        if (r.removed) {
            return;
        }
        r.desired = bits;
        if (!r.changeQueued) {
            r.changeQueued = true;
            changes.add(r);
        }
    }

    private void applyChanges() {
        int size = changes.size();
        if (size == 0) {
            return;
        }
        for (int i = 0; i < size; i++) {
            Registration r = changes.get(i);
            r.changeQueued = false;
            if (!r.removed) {
                apply(r);
            }
        }
        changes.clear();
    }

    private void apply(Registration r) {
        int want = r.desired;
        if (want == r.applied) {
            return;
        }
        try {
            if (r.applied == 0) {
                poller.add(r.handle.fd(), want, r.token);
                counters.ctlAdd++;
            } else if (want == 0) {
                // Nothing wanted: remove rather than keep an empty interest, which still reports HUP/ERR.
                poller.remove(r.handle.fd());
                counters.ctlDel++;
            } else {
                poller.modify(r.handle.fd(), r.applied, want, r.token);
                counters.ctlMod++;
            }
            r.applied = want;
        } catch (IOException e) {
            if (r.handle.isFdOpen()) {
                LoopEvents.channelClosedByLoop(r.handle, r.applied == 0 ? "add" : "modify", e);
                r.handle.controlFailed(e);
            }
        }
    }

    void deregister(Registration r) {
        if (r.removed) {
            return;
        }
        r.removed = true;
        // Remove by number only while the fd is ours: once closed, the number may already name another socket.
        if (r.applied != 0 && r.handle.isFdOpen()) {
            try {
                poller.remove(r.handle.fd());
                counters.ctlDel++;
            } catch (IOException e) {
                logger.debug("removing {} from the poller failed", r.handle, e);
            }
        }
        r.applied = 0;
        registrations.remove(r.token);
        r.handle.unregistered();
    }

    @Override
    public IoRegistration register(IoHandle handle) {
        if (shuttingDown) {
            // Netty then closes the channel and fails its registration with this.
            throw new RejectedExecutionException("the event loop is shutting down; cannot register " + handle);
        }
        CustomIoHandle h = (CustomIoHandle) handle;
        ReadinessMode m = h.readinessMode();
        Registration r = new Registration(this, h, m == null ? mode : m, scratch);
        r.token = registrations.add(r);
        h.registered();
        return r;
    }

    @Override
    public void wakeup() {
        // The loop thread never wakes itself: it is not sleeping, and it re-checks its queues before it does.
        if (!executor.isExecutorThread(Thread.currentThread()) && wakeState.claimWakeup()) {
            if (suppressNextWakeWrite) {
                suppressNextWakeWrite = false;
                return; // test hook: the wakeup is claimed, its eventfd write lost
            }
            wakeupsWritten.incrementAndGet();
            poller.wake();
        }
    }

    /** Test hook: the next claimed wakeup does not write the eventfd, as if the write were lost. */
    volatile boolean suppressNextWakeWrite;

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return CustomIoHandle.class.isAssignableFrom(handleType);
    }

    /**
     * On the loop thread, when the loop starts (and again after it moved to another thread): asks the loop to run
     * {@link #prepareToDestroy()} as a shutdown hook. Netty's loop calls prepareToDestroy itself only when it sees the
     * shutdown right after an I/O step; a shutdown that begins later, with no quiet period, ends the loop without
     * it, and destroy() then closes the channels when the loop no longer takes the deregistration tasks a close
     * queues (each rejected with a warning, and channelInactive lost). Shutdown hooks run while the loop still takes
     * tasks, whatever group made the loop.
     */
    @Override
    public void initialize() {
        loopThread = Thread.currentThread();
        // A loop resumed after a suspension: the time it was suspended is no iteration of ours.
        stallTimed = false;
        if (!shutdownHookAdded && executor instanceof SingleThreadEventExecutor) {
            shutdownHookAdded = true;
            ((SingleThreadEventExecutor) executor).addShutdownHook(this::prepareToDestroy);
        }
    }

    @Override
    public void prepareToDestroy() {
        shuttingDown = true;
        closeRegistrations();
    }

    private void closeRegistrations() {
        for (Registration r : registrations.values()) {
            r.cancel();
            try {
                r.handle.close();
            } catch (Exception e) {
                logger.debug("Failed to close {}", r.handle, e);
            }
        }
    }

    @Override
    public void destroy() {
        // Netty calls prepareToDestroy only from an iteration that saw the loop shutting down; a channel
        // registered by a task the shutdown still ran (confirmShutdown runs the queue) would keep its socket.
        closeRegistrations();
        wakeState.close();
        // A producer that claimed a wakeup during our last sleep may still be about to write the eventfd; closing
        // it first could let that write land on a reused fd number. Wait (bounded) for its event.
        long deadline = System.nanoTime() + MISSED_WAKEUP_BOUND_NANOS;
        try {
            while (pendingWakeup && System.nanoTime() < deadline) {
                int n = poller.poll(Math.max(0, deadline - System.nanoTime()));
                for (int i = 0; i < n; i++) {
                    if (poller.token(i) == Poller.WAKER_TOKEN) {
                        pendingWakeup = false;
                    }
                }
            }
        } catch (IOException e) {
            logger.debug("poll during destroy failed", e);
        }
        poller.close();
        scratch.release();
        HANDLERS.remove(executor);
    }

    List<Channel> channels() {
        List<Registration> values = registrations.values();
        List<Channel> out = new ArrayList<>(values.size());
        for (Registration r : values) {
            Channel ch = r.handle.channel();
            if (ch != null) {
                out.add(ch);
            }
        }
        return out;
    }

    /** Tasks the loop ran so far, or -1 where they are not counted (see {@link LoopCounters#tasksRun()}). */
    private long tasksRunSoFar() {
        return tasksRun == null ? -1 : tasksRun.getAsLong();
    }

    /** Every registration (loop thread). */
    List<Registration> registrations() {
        return registrations.values();
    }

    /** The counters as last written, without refreshing them (which writes): for reading off the loop, stale. */
    LoopCounters countersAsWritten() {
        return counters;
    }

    int pendingChanges() {
        return changes.size();
    }

    Thread loopThread() {
        return loopThread;
    }

    ThreadAwareExecutor executor() {
        return executor;
    }

    /** A server channel of this loop paused accepting (loop thread). */
    void acceptBackoffStarted() {
        counters.acceptBackoffs++;
    }

    boolean inLoop() {
        return executor.isExecutorThread(Thread.currentThread());
    }

    void execute(Runnable task) {
        executor.execute(task);
    }

    private void handleLoopException(Throwable t) {
        counters.loopExceptions++;
        logger.warn("Unexpected exception in the event loop", t);
        try {
            // Do not turn a persistent failure into a busy loop.
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        String idling = idle.equals(IdleStrategy.park()) ? "" : ", " + idle;
        return "CustomIoHandler(" + mode + ", " + poller.describe() + idling + ')';
    }
}

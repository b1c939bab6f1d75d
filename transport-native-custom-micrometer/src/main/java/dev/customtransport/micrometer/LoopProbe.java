package dev.customtransport.micrometer;

import dev.customtransport.CustomIoHandler;
import dev.customtransport.LoopCounters;
import io.micrometer.core.instrument.Timer;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Samples one loop on the loop's own thread: a task submitted once per interval that records how long it waited to
 * run (the loop's lag), and publishes a copy of the counters, the registered channels and the share of the interval
 * spent handling I/O. The counters have one writer, the loop, and are exact only there; meters on other threads
 * read the copy published here.
 *
 * <p>The task is submitted from outside ({@link #submit()}, by the binder's timer) rather than scheduled on the loop:
 * a scheduled task would keep Netty's auto-scaling from suspending an idle loop, and a suspended loop is left
 * alone (waking it would undo the suspension; it has no channels and does nothing).
 */
final class LoopProbe implements Runnable {
    final EventExecutor loop;
    final CustomIoHandler handler;
    final int index;
    private final CopyOnWriteArrayList<Timer> lagTimers = new CopyOnWriteArrayList<>();

    // Written by the loop thread, read by meters on any thread.
    private volatile LoopCounters counters;
    private volatile int channels;
    private volatile double ioRatio = Double.NaN;
    /** A submitted sample has not run yet; {@link #submittedNanos} is when it was submitted. */
    private volatile boolean inFlight;
    private volatile long submittedNanos;
    private volatile boolean stopped;

    // Loop thread only.
    private boolean sampled;
    private long lastSampleNanos;
    private long lastIoNanos;

    LoopProbe(EventExecutor loop, CustomIoHandler handler, int index) {
        this.loop = loop;
        this.handler = handler;
        this.index = index;
    }

    /** Once, at the first bind: the I/O ratio needs the loop to add up its active I/O time. */
    void start() {
        handler.measureActiveIoTime();
    }

    void addLagTimer(Timer timer) {
        lagTimers.addIfAbsent(timer); // a registry bound twice hands back the same timer
    }

    /** The binder's timer thread, once per interval: hands the loop a sample unless one is still waiting. */
    void submit() {
        if (stopped) {
            return;
        }
        if (loop.isShuttingDown()) {
            stopped = true; // a sample still in flight may never run now
            return;
        }
        if (inFlight || loop.isSuspended()) {
            return;
        }
        submittedNanos = System.nanoTime();
        inFlight = true;
        try {
            loop.execute(this);
        } catch (RejectedExecutionException e) {
            inFlight = false; // shut down meanwhile, or a full task queue: the next interval tries again
        }
    }

    void stop() {
        stopped = true;
    }

    boolean isStopped() {
        return stopped;
    }

    @Override
    public void run() {
        long now = System.nanoTime();
        long lag = now - submittedNanos;
        for (Timer t : lagTimers) {
            t.record(lag, TimeUnit.NANOSECONDS);
        }
        LoopCounters c = handler.counters().copy();
        if (sampled) {
            ioRatio = (double) (c.activeIoNanos() - lastIoNanos) / (now - lastSampleNanos);
        }
        sampled = true;
        lastSampleNanos = now;
        lastIoNanos = c.activeIoNanos();
        channels = handler.registeredChannels();
        counters = c;
        inFlight = false;
    }

    /** The last copy of the counters; null before the first sample. */
    LoopCounters counters() {
        return counters;
    }

    int channels() {
        return channels;
    }

    /** Active I/O time over wall time between the last two samples; NaN before the second. */
    double ioRatio() {
        return ioRatio;
    }

    /** How long the sample in flight has waited so far: 0 while the loop keeps up, growing while it is stuck. */
    double currentLagNanos() {
        return inFlight && !stopped ? Math.max(0, System.nanoTime() - submittedNanos) : 0;
    }

    /** Tasks waiting in the loop's queue (a thread-safe read of its size); NaN for a loop that has none to ask. */
    double pendingTasks() {
        return loop instanceof SingleThreadEventExecutor ? ((SingleThreadEventExecutor) loop).pendingTasks()
                : Double.NaN;
    }
}

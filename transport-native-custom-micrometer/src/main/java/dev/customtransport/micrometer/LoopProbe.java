package dev.customtransport.micrometer;

import dev.customtransport.CustomIoHandler;
import dev.customtransport.LoopCounters;
import io.micrometer.core.instrument.Timer;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.SingleThreadEventExecutor;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Samples one loop on the loop's own thread, once per interval: how late the sample itself ran (the loop's lag),
 * a copy of the counters, the registered channels and the share of the interval spent handling I/O. The counters
 * have one writer, the loop, and are exact only there; meters on other threads read the copy published here.
 */
final class LoopProbe implements Runnable {
    final EventExecutor loop;
    final CustomIoHandler handler;
    final int index;
    private final long intervalNanos;
    private final CopyOnWriteArrayList<Timer> lagTimers = new CopyOnWriteArrayList<>();

    // Written by the loop thread, read by meters on any thread.
    private volatile LoopCounters counters;
    private volatile int channels;
    private volatile double ioRatio = Double.NaN;
    /** When the pending sample is due (System.nanoTime()); how late it is now is the lag of a loop stuck now. */
    private volatile long dueNanos;
    private volatile boolean stopped;
    private volatile Future<?> pending;

    // Loop thread only.
    private boolean sampled;
    private long lastSampleNanos;
    private long lastIoNanos;

    LoopProbe(EventExecutor loop, CustomIoHandler handler, int index, long intervalNanos) {
        this.loop = loop;
        this.handler = handler;
        this.index = index;
        this.intervalNanos = intervalNanos;
    }

    void start() {
        handler.measureActiveIoTime();
        dueNanos = System.nanoTime();
        try {
            loop.execute(this);
        } catch (RejectedExecutionException e) {
            stopped = true; // the loop is shut down: nothing to sample
        }
    }

    void stop() {
        stopped = true;
        Future<?> f = pending;
        if (f != null) {
            f.cancel(false);
        }
    }

    void addLagTimer(Timer timer) {
        lagTimers.addIfAbsent(timer); // a registry bound twice hands back the same timer
    }

    @Override
    public void run() {
        long now = System.nanoTime();
        if (stopped) {
            return;
        }
        long lag = Math.max(0, now - dueNanos);
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
        if (loop.isShuttingDown()) {
            stopped = true; // Netty cancels scheduled tasks on shutdown; do not add one
            return;
        }
        dueNanos = System.nanoTime() + intervalNanos;
        try {
            pending = loop.schedule(this, intervalNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            stopped = true;
        }
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

    /** How late the pending sample is now: 0 while the loop keeps up, growing while it is busy or stuck. */
    double currentLagNanos() {
        return stopped ? 0 : Math.max(0, System.nanoTime() - dueNanos);
    }

    /** Tasks waiting in the loop's queue (a thread-safe read of its size); NaN for a loop that has none to ask. */
    double pendingTasks() {
        return loop instanceof SingleThreadEventExecutor ? ((SingleThreadEventExecutor) loop).pendingTasks()
                : Double.NaN;
    }
}

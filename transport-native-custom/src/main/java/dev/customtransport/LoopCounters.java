package dev.customtransport;

/**
 * Per-loop counters. Each field has one writer, the loop thread (the wakeup count is kept in an atomic and copied
 * in when the counters are fetched), so keeping them costs a plain increment. Values read from another thread may
 * be slightly stale; read them on the loop for exact figures, or take a {@link #copy()} there and hand it over:
 *
 * <pre>{@code
 * CustomEventLoop loop = ...;
 * long ctl = loop.submit(() -> loop.counters().controlCalls()).get();
 * LoopCounters all = loop.submit(() -> loop.counters().copy()).get();
 * }</pre>
 */
public final class LoopCounters {
    long waits;
    long events;
    long staleEvents;
    long wakeupsWritten;
    long missedWakeups;
    long controlCalls;
    long ctlAdd;
    long ctlMod;
    long ctlDel;
    long readyEnqueues;
    long remoteReadyEnqueues;
    long readyRuns;
    long loopExceptions;
    long tasksRun;
    long idlePolls;
    long droppedEventRecoveries;
    long acceptBackoffs;
    long activeIoNanos;

    LoopCounters() { }

    /**
     * A copy of these counters, which no one writes to: take it on the loop thread (where the counters are exact) and
     * hand it to other threads, for example through a future or a volatile field.
     */
    public LoopCounters copy() {
        LoopCounters c = new LoopCounters();
        c.waits = waits;
        c.events = events;
        c.staleEvents = staleEvents;
        c.wakeupsWritten = wakeupsWritten;
        c.missedWakeups = missedWakeups;
        c.controlCalls = controlCalls;
        c.ctlAdd = ctlAdd;
        c.ctlMod = ctlMod;
        c.ctlDel = ctlDel;
        c.readyEnqueues = readyEnqueues;
        c.remoteReadyEnqueues = remoteReadyEnqueues;
        c.readyRuns = readyRuns;
        c.loopExceptions = loopExceptions;
        c.tasksRun = tasksRun;
        c.idlePolls = idlePolls;
        c.droppedEventRecoveries = droppedEventRecoveries;
        c.acceptBackoffs = acceptBackoffs;
        c.activeIoNanos = activeIoNanos;
        return c;
    }

    /**
     * Non-blocking polls made because the {@link IdleStrategy} said to spin or yield rather than block (also counted
     * in {@link #waits()}); 0 under the default strategy.
     */
    public long idlePolls() {
        return idlePolls;
    }

    /** Poller waits (blocking or not). */
    public long waits() {
        return waits;
    }

    /** Kernel events received, including wakeups. */
    public long events() {
        return events;
    }

    /** Events dropped because their registration was freed earlier in the same batch. */
    public long staleEvents() {
        return staleEvents;
    }

    /** eventfd writes made by other threads to wake this loop. */
    public long wakeupsWritten() {
        return wakeupsWritten;
    }

    /** Claimed wakeups whose event never arrived, recovered by the bounded wait. */
    public long missedWakeups() {
        return missedWakeups;
    }

    /** All epoll_ctl calls made by this loop. */
    public long controlCalls() {
        return controlCalls;
    }

    public long controlAdds() {
        return ctlAdd;
    }

    public long controlModifies() {
        return ctlMod;
    }

    public long controlDeletes() {
        return ctlDel;
    }

    /** Times a handle was put on the ready queue (by the loop itself or by other threads). */
    public long readyQueueEnqueues() {
        return readyEnqueues + remoteReadyEnqueues;
    }

    /** Times a handle was run from the ready queue. */
    public long readyQueueRuns() {
        return readyRuns;
    }

    /**
     * Tasks the loop ran; only a {@link CustomEventLoopGroup}'s loops count them (-1 under a plain
     * {@code MultiThreadIoEventLoopGroup}, whose task queue is Netty's).
     */
    public long tasksRun() {
        return tasksRun;
    }

    /** Unexpected exceptions in the loop itself (each followed by a one-second pause). */
    public long loopExceptions() {
        return loopExceptions;
    }

    /**
     * Waits after which the poller said events may have been dropped, so every edge-triggered channel of the loop
     * was run once from the ready queue. Only the Linux test build against libkqueue drops events (see
     * {@code KqueuePoller}); elsewhere this stays 0.
     */
    public long droppedEventRecoveries() {
        return droppedEventRecoveries;
    }

    /**
     * Times a server channel of this loop stopped accepting for a while because accept failed for want of
     * descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM); each pause doubles the last, from 10 ms up to 1 s.
     */
    public long acceptBackoffs() {
        return acceptBackoffs;
    }

    /**
     * Nanoseconds spent handling I/O: dispatching the kernel's events and running the ready queue, not waiting and
     * not running tasks. Added up only once {@link CustomIoHandler#measureActiveIoTime()} was called (it costs a
     * {@code System.nanoTime()} pair per iteration), or while Netty's auto-scaling asks for it; 0 before.
     */
    public long activeIoNanos() {
        return activeIoNanos;
    }

    @Override
    public String toString() {
        return "LoopCounters(waits=" + waits + ", idlePolls=" + idlePolls + ", events=" + events
                + ", stale=" + staleEvents
                + ", wakeupsWritten=" + wakeupsWritten + ", missedWakeups=" + missedWakeups
                + ", epoll_ctl=" + controlCalls + " [add " + ctlAdd + ", mod " + ctlMod + ", del " + ctlDel + ']'
                + ", ready=" + readyQueueEnqueues() + '/' + readyRuns + ", tasksRun=" + tasksRun
                + ", loopExceptions=" + loopExceptions + ", droppedEventRecoveries=" + droppedEventRecoveries
                + ", acceptBackoffs=" + acceptBackoffs + ", activeIoNanos=" + activeIoNanos + ')';
    }
}

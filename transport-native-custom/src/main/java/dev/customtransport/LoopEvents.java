package dev.customtransport;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Timespan;

import java.io.IOException;

/**
 * The JDK Flight Recorder events of this transport. Every one is disabled unless a recording enables it, for example
 * all four, stalls from 50 ms on:
 *
 * <pre>
 * java -XX:StartFlightRecording:+dev.customtransport.LoopStall#enabled=true,+dev.customtransport.LoopStall#threshold=50ms,\
 * +dev.customtransport.MissedWakeup#enabled=true,+dev.customtransport.AcceptBackoff#enabled=true,\
 * +dev.customtransport.ChannelClosedByLoop#enabled=true,filename=app.jfr ...
 * </pre>
 *
 * <p>Where the runtime has no {@code jdk.jfr} module (a jlink image made without it) {@link #AVAILABLE} is false and
 * no event class is ever loaded: the callers test it, or a field that is null then, before touching one.
 */
final class LoopEvents {
    /** Whether this runtime has JFR; the event classes below must not be loaded otherwise. */
    static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.jfr").isPresent();

    static {
        if (AVAILABLE) {
            // Loaded now (the first loop is being made), not when first needed: that can be when the process is out
            // of descriptors (an accept back-off), and a class loader reading a class file needs one.
            preload(LoopStall.class, MissedWakeup.class, ChannelClosedByLoop.class, AcceptBackoff.class);
        }
    }

    private LoopEvents() { }

    private static void preload(Class<?>... eventClasses) {
        // Naming each class literal loaded it; nothing more to do.
    }

    /** A new loop's stall event (one per loop, reused from iteration to iteration), or null without JFR. */
    static LoopStall newLoopStall() {
        return AVAILABLE ? new LoopStall() : null;
    }

    /** After a wait that returned {@code events}; the caller checked {@code stall.isEnabled()}. */
    static void iterationBegan(LoopStall stall, int events, long readyRuns, long tasks) {
        stall.begin();
        stall.events = events;
        stall.readyRunsBefore = readyRuns;
        stall.tasksBefore = tasks;
    }

    /** At the start of the next wait: the stall is written only if the iteration lasted at least the threshold. */
    static void iterationEnded(LoopStall stall, long readyRuns, long tasks, int channels) {
        stall.end();
        if (stall.shouldCommit()) {
            stall.readyRuns = readyRuns - stall.readyRunsBefore;
            stall.tasks = tasks < 0 ? -1 : tasks - stall.tasksBefore;
            stall.channels = channels;
            stall.commit();
        }
    }

    /** The loop counted a missed wakeup after a wait of at most {@code boundNanos}. */
    static void missedWakeup(long boundNanos) {
        if (!AVAILABLE) {
            return;
        }
        MissedWakeup e = new MissedWakeup();
        if (e.shouldCommit()) {
            e.bound = boundNanos;
            e.commit();
        }
    }

    /** The loop could not apply the interest of {@code handle} ({@code operation}: add or modify) and closes it. */
    static void channelClosedByLoop(CustomIoHandle handle, String operation, IOException cause) {
        if (!AVAILABLE) {
            return;
        }
        ChannelClosedByLoop e = new ChannelClosedByLoop();
        if (e.shouldCommit()) {
            Object channel = handle.channel();
            e.channel = String.valueOf(channel != null ? channel : handle);
            e.fd = handle.fd();
            e.operation = operation;
            e.error = String.valueOf(cause.getMessage());
            e.commit();
        }
    }

    /**
     * A server listening on {@code localAddress} stops accepting for {@code pauseMillis} after {@code cause}: the
     * event to pass to {@link #acceptBackoffEnded} when it resumes, or null if none is being recorded.
     */
    static AcceptBackoff acceptBackoffStarted(Object localAddress, Throwable cause, long pauseMillis) {
        if (!AVAILABLE) {
            return null;
        }
        AcceptBackoff e = new AcceptBackoff();
        if (!e.isEnabled()) {
            return null;
        }
        e.begin();
        e.localAddress = String.valueOf(localAddress);
        e.error = cause instanceof NativeIoException ? ((NativeIoException) cause).errnoName()
                : cause.getClass().getName();
        e.pause = pauseMillis;
        return e;
    }

    /** Accepting resumed, or the channel closed during the pause. */
    static void acceptBackoffEnded(AcceptBackoff e) {
        e.end();
        if (e.shouldCommit()) {
            e.commit();
        }
    }

    // The event classes hold fields only: JFR rewrites an event class's bytecode when it instruments it, and a method
    // there that names the transport's own types makes that rewriting fail (JFR then leaves the event disabled).

    /**
     * One iteration of a loop: from the end of one wait in the poller to the start of the next. Each loop reuses one
     * instance, begun after each wait while the event is enabled and checked against the recording's threshold at the
     * start of the next wait: an event per iteration would be allocated there (it lives from one {@code run} call
     * to the next, which escape analysis cannot see through), and only a long iteration is written.
     */
    @Name("dev.customtransport.LoopStall")
    @Label("Event Loop Stall")
    @Category({"Netty", "Custom Transport"})
    @Description("An event loop iteration (the I/O handled after a wait, the ready queue and the tasks that followed,"
            + " up to the next wait) longer than the threshold: the loop's other channels waited at least that long")
    @Enabled(false)
    @Threshold("20 ms")
    @StackTrace(false)
    static final class LoopStall extends Event {
        @Label("Kernel Events")
        @Description("Events returned by the wait that began the iteration, wakeups included")
        int events;

        @Label("Ready-Queue Runs")
        @Description("Handles run from the ready queue: work the kernel would not announce again")
        long readyRuns;

        @Label("Tasks")
        @Description("Tasks run in the iteration; -1 where the loop does not count them (only the loops of a"
                + " CustomEventLoopGroup do)")
        long tasks;

        @Label("Registered Channels")
        @Description("Channels registered with the loop when the iteration ended")
        int channels;

        /** The counts when the iteration began (transient: not part of the event). */
        transient long readyRunsBefore;
        transient long tasksBefore;
    }

    @Name("dev.customtransport.MissedWakeup")
    @Label("Missed Wakeup")
    @Category({"Netty", "Custom Transport"})
    @Description("Another thread claimed the wakeup of the sleeping loop but its eventfd (EVFILT_USER) event never"
            + " arrived; the bounded wait caught it, so work submitted meanwhile waited up to the bound")
    @Enabled(false)
    @StackTrace(false)
    static final class MissedWakeup extends Event {
        @Label("Wait Bound")
        @Description("The longest a wait lasts: the most the missed wakeup can have delayed the loop")
        @Timespan(Timespan.NANOSECONDS)
        long bound;
    }

    @Name("dev.customtransport.ChannelClosedByLoop")
    @Label("Channel Closed by the Loop")
    @Category({"Netty", "Custom Transport"})
    @Description("The loop could not give a channel's interest to the poller (epoll_ctl or kevent failed), so it"
            + " handed the failure to the channel's pipeline and closed the channel")
    @Enabled(false)
    @StackTrace(false)
    static final class ChannelClosedByLoop extends Event {
        @Label("Channel")
        String channel;

        @Label("File Descriptor")
        int fd;

        @Label("Operation")
        @Description("What the loop asked of the poller: add or modify")
        String operation;

        @Label("Error")
        String error;
    }

    /** Begun when a server stops accepting for want of descriptors or memory, committed when it accepts again. */
    @Name("dev.customtransport.AcceptBackoff")
    @Label("Accept Back-off")
    @Category({"Netty", "Custom Transport"})
    @Description("A server channel stopped accepting because accept failed for want of descriptors or memory"
            + " (EMFILE, ENFILE, ENOBUFS, ENOMEM); the event lasts from the pause to the resumption, each pause"
            + " doubling the last from 10 ms up to 1 s while the failures go on")
    @Enabled(false)
    @StackTrace(false)
    static final class AcceptBackoff extends Event {
        @Label("Local Address")
        String localAddress;

        @Label("Error")
        @Description("The errno name of the failed accept, or the exception's class where there is none")
        String error;

        @Label("Pause")
        @Description("The pause chosen when accepting stopped")
        @Timespan(Timespan.MILLISECONDS)
        long pause;
    }
}

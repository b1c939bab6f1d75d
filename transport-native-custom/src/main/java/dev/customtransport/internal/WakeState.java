package dev.customtransport.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

abstract class WakeStatePad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

abstract class WakeStateField extends WakeStatePad0 {
    volatile int state;
}

abstract class WakeStatePad1 extends WakeStateField {
    long p10, p11, p12, p13, p14, p15, p16, p17;
}

/**
 * The one word through which other threads wake a sleeping loop, padded away from neighbouring fields because
 * every task submission touches it.
 *
 * <p>Protocol. The loop publishes {@link #SLEEPING} (a volatile store), then re-checks its queues, then blocks.
 * A producer first enqueues its work, then calls {@link #claimWakeup()}: the one that moves the word from
 * SLEEPING to AWAKE (a CAS, so exactly one per sleep) writes the eventfd. Because both sides store before they
 * load with full fences, either the loop sees the work in its re-check or the producer sees SLEEPING. No
 * {@code lazySet} here: a store that may be reordered after the loop's re-check is a lost wakeup.
 */
public final class WakeState extends WakeStatePad1 {
    public static final int AWAKE = 0;
    public static final int SLEEPING = 1;
    /** Terminal: the loop is being destroyed; nobody may write the eventfd any more. */
    public static final int CLOSED = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(WakeStateField.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Loop thread, before blocking. */
    public void publishSleeping() {
        STATE.setVolatile(this, SLEEPING);
    }

    /**
     * Loop thread, after the wait returned: marks the loop awake and tells whether a producer claimed the wakeup
     * meanwhile (and therefore has written, or is about to write, the eventfd).
     */
    public boolean wakeClaimedWhileSleeping() {
        return (int) STATE.getAndSet(this, AWAKE) == AWAKE;
    }

    /** Any thread: true if the caller won the right (and duty) to write the eventfd. */
    public boolean claimWakeup() {
        return (int) STATE.getVolatile(this) == SLEEPING && STATE.compareAndSet(this, SLEEPING, AWAKE);
    }

    /**
     * Loop thread, at destroy: no producer may claim a wakeup from now on. (The state is never SLEEPING here: the
     * loop thread only sleeps inside run().)
     */
    public void close() {
        STATE.setVolatile(this, CLOSED);
    }

    public int get() {
        return state;
    }
}

package dev.customtransport;

/**
 * Every decision that differs between the two {@link ReadinessMode}s, for one channel: which interest the poller
 * gets, and what happens to readiness the channel cannot act on when it arrives. The channel says what happened
 * (a read loop found reading paused, a write met a full socket buffer, read() was called); the mode decides.
 *
 * <ul>
 *   <li>{@link LevelTriggered}: the poller holds exactly the interest the channel wants, and changes with it. Readiness
 *   the channel does not act on is reported again by the kernel until it is, so nothing needs remembering: pausing
 *   drops the input interest, resuming restores it.</li>
 *   <li>{@link EdgeTriggered}: the socket is added once, for input, output and peer half-close, and never changed.
 *   The kernel reports each change of readiness once, so the channel remembers what it could not act on
 *   ({@code inputPending}, {@code outputBlocked}) and queues itself on the loop's ready queue for work no edge will
 *   announce: input left when a read loop stopped on its budget, input remembered while reading was paused.</li>
 * </ul>
 *
 * <p>One instance per registration, made when the channel registers (a channel's mode is its own option, else its
 * loop's); {@link #interest} and {@link #pollable} carry over from the previous one. Loop thread only, except
 * {@link #inputMayBeWaiting()}.
 */
abstract class Readiness {

    /** What a mode acts on: the channel's registration and reading state. The channel's unsafe; a fake in tests. */
    interface Port {
        /** Hands {@code interest} ({@link CustomIoOps} bits) to the poller, if the channel is registered. */
        void submit(int interest);

        /** Puts the channel on the loop's ready queue with {@code work} ({@link CustomIoEvent} bits). */
        void markReady(int work);

        /** A read() is pending or autoRead is on. */
        boolean isReadingWanted();

        /** The socket is open and its input not shut down. */
        boolean isInputOpen();
    }

    final Port port;
    /** Interest the channel wants ({@link CustomIoOps} bits): what level-triggered registers. */
    int interest;
    /** The socket may be handed to the poller (bound and listening, connecting, or connected). */
    boolean pollable;

    Readiness(Port port, int interest, boolean pollable) {
        this.port = port;
        this.interest = interest;
        this.pollable = pollable;
    }

    /** The readiness a channel has before it is registered: level-triggered bookkeeping that submits nothing yet. */
    static Readiness unregistered(Port port, int interest, boolean pollable) {
        return new LevelTriggered(port, interest, pollable);
    }

    /** The readiness of a new registration in {@code mode}, taking the channel's wants from {@code before}. */
    static Readiness of(ReadinessMode mode, Readiness before) {
        return mode == ReadinessMode.EDGE_TRIGGERED
                ? new EdgeTriggered(before.port, before.interest, before.pollable)
                : new LevelTriggered(before.port, before.interest, before.pollable);
    }

    abstract ReadinessMode mode();

    // What the channel wants. Level-triggered registers it; edge-triggered has registered everything already.

    final void want(int bits) {
        if ((interest & bits) != bits) {
            interest |= bits;
            interestChanged();
        }
    }

    final void unwant(int bits) {
        if ((interest & bits) != 0) {
            interest &= ~bits;
            interestChanged();
        }
    }

    final boolean wants(int bit) {
        return (interest & bit) != 0;
    }

    /** The socket became worth polling: bound and listening, connecting, or connected. */
    final void becamePollable() {
        if (!pollable) {
            pollable = true;
            interestChanged();
        }
    }

    /** The channel was registered, or what it wants changed: tell the poller what this mode registers. */
    abstract void interestChanged();

    // What happened to reading.

    /** Input readiness arrived while reading is paused (no read() pending, autoRead off), or accepting paused. */
    abstract void readingPaused();

    /** Reading is wanted again: read() was called, or accepting resumes. */
    abstract void readingResumed();

    /** Reading is no longer wanted (autoRead was turned off): nothing arrived to remember. */
    abstract void readingStopped();

    /**
     * A read loop ended. {@code drained}: it read until the socket had nothing more (or must not be read again);
     * otherwise its budget ran out with input maybe left.
     */
    abstract void readLoopDone(boolean drained);

    /** Input may be waiting that the kernel will not announce again (a splice target drained its pipe). Any thread. */
    abstract void inputMayBeWaiting();

    // What happened to writing.

    /**
     * A write loop stopped with messages left. {@code socketFull}: a write met a full socket buffer, so wait for the
     * kernel to say it drained. Otherwise the spin budget was used up while the socket still takes data: yield to the
     * other channels of the loop and go on from the ready queue.
     */
    abstract void writeLoopStopped(boolean socketFull);

    /** The kernel reported the socket writable. */
    abstract void writable();

    /** Whether a flush may write now; false while waiting for a full socket buffer to drain. */
    abstract boolean mayFlush();

    /** The poller may have lost events (only the libkqueue emulation does, see {@code Poller.open}). */
    abstract void eventsMayHaveBeenLost();

    /**
     * Level-triggered: the poller's interest is the channel's, and the kernel repeats readiness until it is acted on.
     */
    static final class LevelTriggered extends Readiness {
        LevelTriggered(Port port, int interest, boolean pollable) {
            super(port, interest, pollable);
        }

        @Override
        ReadinessMode mode() {
            return ReadinessMode.LEVEL_TRIGGERED;
        }

        @Override
        void interestChanged() {
            if (pollable) {
                port.submit(interest);
            }
        }

        @Override
        void readingPaused() {
            // Stop the kernel repeating it; read() turns the interest back on and the kernel reports it again.
            unwant(CustomIoOps.READ);
        }

        @Override
        void readingResumed() {
            // Always re-arm: the last read loop may have stopped without reading anything.
            want(CustomIoOps.READ);
        }

        @Override
        void readingStopped() {
            unwant(CustomIoOps.READ);
        }

        @Override
        void readLoopDone(boolean drained) {
            // Input left behind is reported again at the next wait, if reading is still wanted.
            if (!port.isReadingWanted()) {
                unwant(CustomIoOps.READ);
            }
        }

        @Override
        void inputMayBeWaiting() {
            // The kernel reports it while the input interest is on.
        }

        @Override
        void writeLoopStopped(boolean socketFull) {
            if (socketFull) {
                want(CustomIoOps.WRITE);
            } else {
                unwant(CustomIoOps.WRITE);
                port.markReady(CustomIoEvent.WRITABLE);
            }
        }

        @Override
        void writable() {
            // The output interest goes when the outbound buffer empties.
        }

        @Override
        boolean mayFlush() {
            // While the output interest is on, a write would only meet EAGAIN: the output event will flush.
            return !wants(CustomIoOps.WRITE);
        }

        @Override
        void eventsMayHaveBeenLost() {
            // The kernel reports them again at the next wait.
        }

        @Override
        public String toString() {
            return "level-triggered, wants " + CustomIoOps.names(interest) + (pollable ? "" : ", not pollable yet");
        }
    }

    /**
     * Edge-triggered: added once for everything; what the channel cannot act on when its edge comes is remembered
     * here, and work no edge will announce goes on the ready queue.
     */
    static final class EdgeTriggered extends Readiness {
        /** Everything, edge-triggered: what is registered, once. */
        static final int ALL = CustomIoOps.READ | CustomIoOps.WRITE | CustomIoOps.READ_CLOSED | CustomIoOps.EDGE;

        /** The socket was added to the poller; never changed again. */
        private boolean armed;
        /** An input edge arrived and the socket has not been read to EAGAIN since. */
        boolean inputPending;
        /** The last write met a full socket buffer: wait for the output edge. */
        boolean outputBlocked;

        EdgeTriggered(Port port, int interest, boolean pollable) {
            super(port, interest, pollable);
        }

        @Override
        ReadinessMode mode() {
            return ReadinessMode.EDGE_TRIGGERED;
        }

        @Override
        void interestChanged() {
            // Whatever the channel wants right now: what it cannot act on yet it remembers, since that edge will not
            // come again.
            if (pollable && !armed) {
                armed = true;
                port.submit(ALL);
            }
        }

        @Override
        void readingPaused() {
            inputPending = true;
        }

        @Override
        void readingResumed() {
            // The edge may have come while reading was paused; it will not come again.
            if (inputPending) {
                port.markReady(CustomIoEvent.READABLE);
            }
        }

        @Override
        void readingStopped() {
            // Nothing to drop: an edge that comes meanwhile is remembered by readingPaused().
        }

        @Override
        void readLoopDone(boolean drained) {
            inputPending = !drained && port.isInputOpen();
            if (inputPending && port.isReadingWanted()) {
                port.markReady(CustomIoEvent.READABLE);
            }
        }

        @Override
        void inputMayBeWaiting() {
            if (port.isInputOpen()) {
                port.markReady(CustomIoEvent.READABLE);
            }
        }

        @Override
        void writeLoopStopped(boolean socketFull) {
            if (socketFull) {
                outputBlocked = true;
            } else {
                unwant(CustomIoOps.WRITE);
                port.markReady(CustomIoEvent.WRITABLE);
            }
        }

        @Override
        void writable() {
            outputBlocked = false;
        }

        @Override
        boolean mayFlush() {
            return !outputBlocked;
        }

        @Override
        void eventsMayHaveBeenLost() {
            // Each is taken as readable and writable once: a channel with nothing to do meets EAGAIN.
            if (armed) {
                port.markReady(CustomIoEvent.READABLE | CustomIoEvent.WRITABLE);
            }
        }

        @Override
        public String toString() {
            // What the channel wants does not reach the poller here: what it could not act on does.
            return "edge-triggered" + (armed ? "" : ", not armed yet") + (inputPending ? ", input pending" : "")
                    + (outputBlocked ? ", output blocked" : "");
        }
    }
}

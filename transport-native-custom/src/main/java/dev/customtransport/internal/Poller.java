package dev.customtransport.internal;

import java.io.IOException;

/**
 * The narrow contract between the event loop and one OS readiness backend ({@link EpollPoller},
 * {@link KqueuePoller}). Everything but {@link #wake()} runs on the loop thread.
 *
 * <p>A backend may apply {@link #add}, {@link #modify} and {@link #remove} at once (epoll) or queue them for its
 * next wait (kqueue's change list); either way they take effect no later than the next {@link #poll}. An entry
 * whose {@link #events} are 0 carries nothing to dispatch (a change receipt) and is skipped.
 *
 * <p>Interest bits ({@code INTEREST_*}) say what a registration wants to hear about; event bits ({@code EVENT_*})
 * say what happened, normalised so the channel code never sees a backend's own flags.
 */
public interface Poller extends AutoCloseable {
    int INTEREST_READ = 1;
    int INTEREST_WRITE = 2;
    /**
     * Peer half-close (EPOLLRDHUP; on kqueue it comes with EV_EOF on the read filter, so without
     * {@link #INTEREST_READ} the read filter is armed edge-triggered to hear it).
     */
    int INTEREST_READ_CLOSED = 4;
    /** Report transitions only (EPOLLET / EV_CLEAR). */
    int INTEREST_EDGE = 8;

    int EVENT_READABLE = 1;
    int EVENT_WRITABLE = 2;
    int EVENT_ERROR = 4;
    int EVENT_READ_CLOSED = 8;
    int EVENT_HUP = 16;

    /** Tokens the poller uses for itself; never issued by a {@link HandleTable}. */
    long WAKER_TOKEN = -1L;
    long TIMER_TOKEN = -2L;

    /** Polls without blocking; returns the number of ready entries now in the event array. */
    int pollNow() throws IOException;

    /**
     * Blocks for at most {@code timeoutNanos} (negative: until an event or a wakeup), retrying EINTR with the time
     * that remains; returns the number of ready entries.
     */
    int poll(long timeoutNanos) throws IOException;

    /** The token of ready entry {@code i} of the last poll. */
    long token(int i);

    /** The normalised {@code EVENT_*} bits of ready entry {@code i}. */
    int events(int i);

    /**
     * The socket error (errno) entry {@code i} carries, or 0. Only kqueue reports one (in fflags, with EV_EOF: a
     * reset, a refused connect); epoll leaves it to SO_ERROR and the next read.
     */
    default int socketError(int i) {
        return 0;
    }

    void add(int fd, int interest, long token) throws IOException;

    /** Changes the interest of {@code fd} from {@code previous} (what the last add/modify gave) to {@code interest}. */
    void modify(int fd, int previous, int interest, long token) throws IOException;

    /** Removes {@code fd}; an fd already gone from the poller (ENOENT, EBADF) is not an error. */
    void remove(int fd) throws IOException;

    /**
     * Asks the kernel to busy-poll the device queues of the registered sockets for up to {@code micros} inside each
     * wait, {@code budget} packets a time (epoll on Linux 6.9+: EPIOCSPARAMS).
     *
     * @throws IOException                   if the kernel refuses (ENOTTY: a kernel without per-epoll busy poll)
     * @throws UnsupportedOperationException if the backend has no such thing (kqueue)
     */
    default void busyPoll(int micros, int budget) throws IOException {
        throw new UnsupportedOperationException("busy polling is a Linux epoll feature; this loop uses " + describe());
    }

    /** Any thread: makes a blocked {@link #poll} return. Loop callers must not use it. */
    void wake();

    /** Called after the loop decoded a batch of {@code n}: a full event array means there may be more, so it may grow. */
    void afterBatch(int n);

    /** Interest changes made: calls of add, modify and remove (each an epoll_ctl, or kevent change-list entries). */
    long controlCalls();

    /** A human-readable name of the backend and how it waits, for toString(). */
    String describe();

    /**
     * Opens the backend this library was compiled with (epoll on Linux; kqueue on macOS and the BSDs).
     * {@code onLostEvents} runs (on the loop thread, inside a poll) when the backend may have dropped events that
     * edge-triggered registrations would never hear of again; only the libkqueue emulation does
     * ({@link LibkqueuePoller}): a kernel keeps what did not fit for the next wait.
     *
     * @throws IOException if the kernel refuses the poller's descriptors
     */
    static Poller open(int initialEvents, int maxEvents, Runnable onLostEvents) throws IOException {
        NativeLibrary.ensureLoaded();
        int backend = SystemNative.backend();
        if (backend == NativeLibrary.BACKEND_EPOLL) {
            return new EpollPoller(initialEvents, maxEvents);
        }
        if (backend == NativeLibrary.BACKEND_KQUEUE) {
            return KqueuePoller.EMULATED ? new LibkqueuePoller(initialEvents, maxEvents, onLostEvents)
                    : new KqueuePoller(initialEvents, maxEvents);
        }
        throw new IllegalStateException("the native library was built for backend " + backend
                + ", which this version of the Java side cannot drive");
    }

    @Override
    void close();
}

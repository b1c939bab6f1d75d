package dev.customtransport.internal;

/**
 * The natives of the kqueue poller backend ({@code src/main/c/poller_kqueue.c}). Each call is one syscall with
 * primitive arguments and returns its result or {@code -errno}; nothing here allocates or calls back into Java.
 * {@link KqueuePoller} is the only user; it writes the change list ({@code struct kevent} entries) into off-heap
 * memory itself, at the offsets {@link #constants} reports.
 */
final class KqueueNative {
    private KqueueNative() { }

    // Indexes into the array filled by constants(int[]).
    static final int C_EVFILT_READ = 0;
    static final int C_EVFILT_WRITE = 1;
    static final int C_EVFILT_USER = 2;
    static final int C_EV_ADD = 3;
    static final int C_EV_DELETE = 4;
    static final int C_EV_ENABLE = 5;
    static final int C_EV_DISABLE = 6;
    static final int C_EV_CLEAR = 7;
    static final int C_EV_RECEIPT = 8;
    static final int C_EV_EOF = 9;
    static final int C_EV_ERROR = 10;
    static final int C_NOTE_TRIGGER = 11;
    static final int C_EVENT_SIZE = 12;       // sizeof(struct kevent): 32 on macOS, 64 on FreeBSD 12+
    static final int C_OFF_IDENT = 13;
    static final int C_OFF_FILTER = 14;
    static final int C_OFF_FLAGS = 15;
    static final int C_OFF_FFLAGS = 16;
    static final int C_OFF_DATA = 17;
    static final int C_OFF_UDATA = 18;
    static final int C_EMULATED = 19;         // 1: built on Linux against libkqueue (tests only)
    static final int C_EBADF = 20;
    static final int C_ENOENT = 21;
    static final int C_EPIPE = 22;
    static final int C_COUNT = 23;

    /** Fills {@code out[0 .. C_COUNT)} with the constants above; side-effect free. */
    static native void constants(int[] out);

    /** kqueue(), then FD_CLOEXEC. */
    static native int create();

    /**
     * kevent(kq, changes, nchanges, events, nevents, timeout): applies the change list and collects events in one
     * call. A negative timeout blocks. -EINTR is returned, not retried (the changes were applied all the same).
     */
    static native int kevent(int kq, long changesAddress, int nchanges, long eventsAddress, int nevents,
                             long timeoutNanos);

    /** Adds the EVFILT_USER wakeup event (ident 0, EV_CLEAR) carrying {@code token}. */
    static native int addUserEvent(int kq, long token);

    /** Any thread: NOTE_TRIGGER on the EVFILT_USER event, with its token again (a change may replace udata). */
    static native int trigger(int kq, long token);
}

package dev.customtransport.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The kqueue backend of {@link Poller} (macOS, the BSDs). On Linux, the test build against libkqueue uses
 * {@link LibkqueuePoller}, which works around where that emulation differs from a kernel's kqueue.
 *
 * <p>Each socket has two filters, EVFILT_READ and EVFILT_WRITE, carrying the registration's token in
 * {@code udata}. Interest changes are not system calls: they are written into a change list that the next
 * {@link #poll} hands to the same {@code kevent} call that waits. Edge-triggered registrations add both filters
 * once with EV_CLEAR; level-triggered ones enable and disable them. Wakeups trigger an EVFILT_USER event.
 *
 * <p>A queued change can meet an fd closed meanwhile (closing removes its filters): the kernel then reports
 * EV_ERROR with EBADF or ENOENT in the event list and goes on with the rest of the list. Those entries decode to
 * no event bits and are skipped, as mio and libuv skip them. So that no error is lost for want of room (a kernel
 * with a full event list stops applying changes and fails the call), the change list never holds more entries
 * than the event array: a full change list is applied at once with EV_RECEIPT, which returns without waiting.
 */
public class KqueuePoller implements Poller {
    static final short EVFILT_READ;
    static final short EVFILT_WRITE;
    static final int EV_ADD;
    static final int EV_DELETE;
    static final int EV_ENABLE;
    static final int EV_DISABLE;
    static final int EV_CLEAR;
    static final int EV_RECEIPT;
    static final int EV_EOF;
    static final int EV_ERROR;
    static final int EVENT_SIZE;
    static final int OFF_IDENT;
    static final int OFF_FILTER;
    static final int OFF_FLAGS;
    static final int OFF_FFLAGS;
    static final int OFF_DATA;
    static final int OFF_UDATA;
    /** Built on Linux against libkqueue (tests only): {@link Poller#open} then makes a {@link LibkqueuePoller}. */
    static final boolean EMULATED;
    private static final int EBADF;
    private static final int ENOENT;
    private static final int EPIPE;

    /** Changes applied per kevent call at most; the event array always has at least this much room. */
    private static final int CHANGE_CAPACITY = 256;
    /**
     * kevent rejects huge timeouts with EINVAL (the limit differs between kernels); a wait longer than a day is
     * cut to a day, after which the loop simply waits again.
     */
    static final long MAX_TIMEOUT_NANOS = 86_400L * 1_000_000_000L;

    private static final int READ_OFF = 0;
    private static final int READ_LEVEL = 1;
    private static final int READ_CLEAR = 2;

    static {
        NativeLibrary.ensureLoaded();
        int[] c = new int[KqueueNative.C_COUNT];
        KqueueNative.constants(c);
        EVFILT_READ = (short) c[KqueueNative.C_EVFILT_READ];
        EVFILT_WRITE = (short) c[KqueueNative.C_EVFILT_WRITE];
        EV_ADD = c[KqueueNative.C_EV_ADD];
        EV_DELETE = c[KqueueNative.C_EV_DELETE];
        EV_ENABLE = c[KqueueNative.C_EV_ENABLE];
        EV_DISABLE = c[KqueueNative.C_EV_DISABLE];
        EV_CLEAR = c[KqueueNative.C_EV_CLEAR];
        EV_RECEIPT = c[KqueueNative.C_EV_RECEIPT];
        EV_EOF = c[KqueueNative.C_EV_EOF];
        EV_ERROR = c[KqueueNative.C_EV_ERROR];
        EVENT_SIZE = c[KqueueNative.C_EVENT_SIZE];
        OFF_IDENT = c[KqueueNative.C_OFF_IDENT];
        OFF_FILTER = c[KqueueNative.C_OFF_FILTER];
        OFF_FLAGS = c[KqueueNative.C_OFF_FLAGS];
        OFF_FFLAGS = c[KqueueNative.C_OFF_FFLAGS];
        OFF_DATA = c[KqueueNative.C_OFF_DATA];
        OFF_UDATA = c[KqueueNative.C_OFF_UDATA];
        EMULATED = c[KqueueNative.C_EMULATED] != 0;
        EBADF = c[KqueueNative.C_EBADF];
        ENOENT = c[KqueueNative.C_ENOENT];
        EPIPE = c[KqueueNative.C_EPIPE];
    }

    final int kq;
    final EventArray array;
    private final ByteBuffer changes;
    private final long changesAddress;
    private int changeCount;
    /** Changes that failed when applied ahead of a wait (EV_RECEIPT), reported as error events by the next poll. */
    private long[] failedTokens = new long[4];
    private int[] failedErrnos = new int[4];
    private int failedCount;
    private long controlCalls;

    KqueuePoller(int initialEvents, int maxEvents) throws IOException {
        if (initialEvents < CHANGE_CAPACITY) {
            throw new IllegalArgumentException("the event array must hold at least " + CHANGE_CAPACITY + " entries");
        }
        int fd = Errors.check("kqueue", KqueueNative.create());
        try {
            Errors.check("kevent(EVFILT_USER)", KqueueNative.addUserEvent(fd, WAKER_TOKEN));
        } catch (IOException | RuntimeException e) {
            SocketNative.close(fd);
            throw e;
        }
        kq = fd;
        array = new EventArray(initialEvents, maxEvents, EVENT_SIZE, OFF_FILTER, OFF_UDATA);
        changes = ByteBuffer.allocateDirect(CHANGE_CAPACITY * EVENT_SIZE).order(ByteOrder.nativeOrder());
        changesAddress = SocketNative.bufferAddress(changes);
    }

    @Override
    public int pollNow() throws IOException {
        return poll(0);
    }

    @Override
    public int poll(long timeoutNanos) throws IOException {
        long deadline = timeoutNanos < 0 ? 0 : System.nanoTime() + timeoutNanos;
        for (;;) {
            long t = timeoutNanos < 0 ? -1 : Math.min(timeoutNanos, MAX_TIMEOUT_NANOS);
            int capacity = array.capacity() - failedCount;
            int n = KqueueNative.kevent(kq, changesAddress, changeCount, array.address(), capacity, t);
            // Applied even when the wait was interrupted: never hand them to the kernel twice.
            changeCount = 0;
            if (n != -Errno.EINTR) {
                n = Errors.check("kevent", n);
                waited(n, capacity);
                return n + drainFailed(n);
            }
            // A signal interrupted us: wait again for what is left, never the whole timeout.
            if (timeoutNanos > 0) {
                timeoutNanos = Math.max(0, deadline - System.nanoTime());
            }
        }
    }

    /** Appends the changes that failed ahead of the wait as EV_ERROR entries after the {@code n} events. */
    private int drainFailed(int n) {
        int count = failedCount;
        for (int i = 0; i < count; i++) {
            int at = n + i;
            writeEntry(array, at, 0, EVFILT_READ, EV_ERROR, failedErrnos[i], failedTokens[i]);
        }
        failedCount = 0;
        return count;
    }

    /** After a wait that returned {@code n} events into room for {@code capacity}. */
    void waited(int n, int capacity) {
        // A kernel keeps what did not fit queued for the next call.
    }

    @Override
    public void afterBatch(int n) {
        array.growIfFull(n);
    }

    @Override
    public long token(int i) {
        return array.data(i);
    }

    @Override
    public int events(int i) {
        short filter = array.shortAt(i, OFF_FILTER);
        int flags = array.shortAt(i, OFF_FLAGS) & 0xffff;
        if ((flags & EV_ERROR) != 0) {
            long errno = array.longAt(i, OFF_DATA);
            // A change receipt: success, or a change for an fd closed meanwhile (its filters went with it; EPIPE
            // is macOS refusing EV_ADD on a pipe whose other end is closed). A failed delete is never news.
            if (errno == 0 || errno == EBADF || errno == ENOENT || errno == EPIPE || (flags & EV_DELETE) != 0) {
                return 0;
            }
            return EVENT_ERROR;
        }
        int out;
        if (filter == EVFILT_READ) {
            out = EVENT_READABLE;
            if ((flags & EV_EOF) != 0) {
                // The peer shut its output; fflags holds the socket error if it was a reset.
                out |= EVENT_READ_CLOSED;
            }
        } else if (filter == EVFILT_WRITE) {
            out = EVENT_WRITABLE;
            if ((flags & EV_EOF) != 0) {
                // Nothing more can be sent (the peer is gone, or a connect failed: fflags holds why).
                out |= EVENT_HUP;
            }
        } else {
            return 0;
        }
        if ((flags & EV_EOF) != 0 && array.intAt(i, OFF_FFLAGS) != 0) {
            out |= EVENT_ERROR;
        }
        return out;
    }

    @Override
    public int socketError(int i) {
        int flags = array.shortAt(i, OFF_FLAGS) & 0xffff;
        return (flags & EV_EOF) != 0 && (flags & EV_ERROR) == 0 ? array.intAt(i, OFF_FFLAGS) : 0;
    }

    /** How the read filter is armed for an interest. */
    static int readState(int interest) {
        if ((interest & INTEREST_READ) != 0) {
            return (interest & INTEREST_EDGE) != 0 ? READ_CLEAR : READ_LEVEL;
        }
        // Only the half-close is wanted (reading is paused): kqueue reports it on the read filter alone, so the
        // filter is armed edge-triggered, which reports each arrival once instead of spinning on unread bytes.
        return (interest & INTEREST_READ_CLOSED) != 0 ? READ_CLEAR : READ_OFF;
    }

    static int readAddFlags(int state) {
        switch (state) {
            case READ_LEVEL:
                return EV_ADD | EV_ENABLE;
            case READ_CLEAR:
                return EV_ADD | EV_ENABLE | EV_CLEAR;
            default:
                // Present but disabled, and level-triggered: enabling it later is one change.
                return EV_ADD | EV_DISABLE;
        }
    }

    static int writeAddFlags(int interest) {
        int flags = EV_ADD | ((interest & INTEREST_WRITE) != 0 ? EV_ENABLE : EV_DISABLE);
        return (interest & INTEREST_EDGE) != 0 ? flags | EV_CLEAR : flags;
    }

    @Override
    public void add(int fd, int interest, long token) throws IOException {
        controlCalls++;
        addFilters(fd, interest, token);
    }

    /** Adds the read and the write filter of {@code fd} for {@code interest}. */
    void addFilters(int fd, int interest, long token) throws IOException {
        addFilter(fd, EVFILT_READ, readAddFlags(readState(interest)), token);
        addFilter(fd, EVFILT_WRITE, writeAddFlags(interest), token);
    }

    void addFilter(int fd, short filter, int flags, long token) throws IOException {
        queue(fd, filter, flags, token);
    }

    @Override
    public void modify(int fd, int previous, int interest, long token) throws IOException {
        controlCalls++;
        if (((previous ^ interest) & INTEREST_EDGE) != 0) {
            // EV_CLEAR is fixed when a filter is added: start over.
            removeFilters(fd);
            addFilters(fd, interest, token);
            return;
        }
        int before = readState(previous);
        int after = readState(interest);
        if (before != after) {
            if (before != READ_CLEAR && after != READ_CLEAR) {
                queue(fd, EVFILT_READ, after == READ_OFF ? EV_DISABLE : EV_ENABLE, token);
            } else {
                queue(fd, EVFILT_READ, EV_DELETE, token);
                addFilter(fd, EVFILT_READ, readAddFlags(after), token);
            }
        }
        if (((previous ^ interest) & INTEREST_WRITE) != 0) {
            queue(fd, EVFILT_WRITE, (interest & INTEREST_WRITE) != 0 ? EV_ENABLE : EV_DISABLE, token);
        }
    }

    /**
     * Queues the deletion of both filters. On a BSD kernel it may wait for the next poll: if the fd is closed
     * before that, closing removed the filters and the deletes fail harmlessly (EBADF/ENOENT receipts).
     */
    @Override
    public void remove(int fd) throws IOException {
        controlCalls++;
        removeFilters(fd);
    }

    void removeFilters(int fd) throws IOException {
        queue(fd, EVFILT_READ, EV_DELETE, 0);
        queue(fd, EVFILT_WRITE, EV_DELETE, 0);
    }

    final void queue(int fd, short filter, int flags, long token) throws IOException {
        if (changeCount == CHANGE_CAPACITY) {
            flushWithReceipts();
        }
        writeEntry(null, changeCount++, fd, filter, flags, 0, token);
    }

    /** Writes one struct kevent into the change list (events == null) or the event array, zeroing the rest. */
    private void writeEntry(EventArray target, int index, int fd, short filter, int flags, long data, long token) {
        if (target != null) {
            // The events's decoding reads only these fields.
            target.putShort(index, OFF_FILTER, filter);
            target.putShort(index, OFF_FLAGS, (short) flags);
            target.putInt(index, OFF_FFLAGS, 0);
            target.putLong(index, OFF_DATA, data);
            target.putLong(index, OFF_UDATA, token);
            return;
        }
        int base = index * EVENT_SIZE;
        for (int off = 0; off < EVENT_SIZE; off += Long.BYTES) {
            changes.putLong(base + off, 0L);
        }
        changes.putLong(base + OFF_IDENT, fd);
        changes.putShort(base + OFF_FILTER, filter);
        changes.putShort(base + OFF_FLAGS, (short) flags);
        changes.putLong(base + OFF_DATA, data);
        changes.putLong(base + OFF_UDATA, token);
    }

    /**
     * Applies the queued changes now, without collecting events: with EV_RECEIPT on every change, kevent writes
     * one receipt per change (into the same array) and returns without waiting. Failures other than a closed fd
     * are kept and reported as error events by the next poll.
     */
    private void flushWithReceipts() throws IOException {
        int n = changeCount;
        if (n == 0) {
            return;
        }
        for (int i = 0; i < n; i++) {
            int at = i * EVENT_SIZE + OFF_FLAGS;
            changes.putShort(at, (short) (changes.getShort(at) | EV_RECEIPT));
        }
        changeCount = 0;
        int res;
        do {
            res = KqueueNative.kevent(kq, changesAddress, n, changesAddress, n, 0);
        } while (res == -Errno.EINTR);
        Errors.check("kevent(EV_RECEIPT)", res);
        for (int i = 0; i < res; i++) {
            int base = i * EVENT_SIZE;
            int flags = changes.getShort(base + OFF_FLAGS) & 0xffff;
            long errno = changes.getLong(base + OFF_DATA);
            if ((flags & EV_ERROR) == 0 || errno == 0 || errno == EBADF || errno == ENOENT || errno == EPIPE
                    || (flags & EV_DELETE) != 0) {
                continue;
            }
            recordFailure(changes.getLong(base + OFF_UDATA), (int) errno);
        }
    }

    private void recordFailure(long token, int errno) {
        if (failedCount == CHANGE_CAPACITY) {
            return; // the event array could not report more; the first ones already fail those channels
        }
        if (failedCount == failedTokens.length) {
            failedTokens = Arrays.copyOf(failedTokens, failedCount * 2);
            failedErrnos = Arrays.copyOf(failedErrnos, failedCount * 2);
        }
        failedTokens[failedCount] = token;
        failedErrnos[failedCount++] = errno;
    }

    @Override
    public void wake() {
        int res = KqueueNative.trigger(kq, WAKER_TOKEN);
        if (res < 0) {
            // Only EBADF is possible here, and only if wake() raced close(), which the wake state forbids.
            throw new IllegalStateException(Errors.message("kevent(NOTE_TRIGGER)", -res));
        }
    }

    @Override
    public long controlCalls() {
        return controlCalls;
    }

    /** True if this library is the Linux test build against libkqueue rather than a BSD kernel's kqueue. */
    public static boolean isEmulated() {
        return EMULATED;
    }

    @Override
    public String describe() {
        return "kqueue";
    }

    @Override
    public void close() {
        SocketNative.close(kq);
    }
}

package dev.customtransport.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The kqueue backend of {@link Poller} (macOS, the BSDs; on Linux only when built against libkqueue, for tests).
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
 * than the event ring: a full change list is applied at once with EV_RECEIPT, which returns without waiting.
 */
public final class KqueuePoller implements Poller {
    private static final short EVFILT_READ;
    private static final short EVFILT_WRITE;
    private static final int EV_ADD;
    private static final int EV_DELETE;
    private static final int EV_ENABLE;
    private static final int EV_DISABLE;
    private static final int EV_CLEAR;
    private static final int EV_RECEIPT;
    private static final int EV_EOF;
    private static final int EV_ERROR;
    private static final int EVENT_SIZE;
    private static final int OFF_IDENT;
    private static final int OFF_FILTER;
    private static final int OFF_FLAGS;
    private static final int OFF_FFLAGS;
    private static final int OFF_DATA;
    private static final int OFF_UDATA;
    /** Built against libkqueue on Linux: see {@link #remove}. */
    static final boolean EMULATED;
    private static final int EBADF;
    private static final int ENOENT;
    private static final int EPIPE;

    /**
     * libkqueue's cap on the events one kevent call returns (MAX_KEVENT in its private.h): a longer list is used
     * only up to this length.
     */
    private static final int EMULATION_MAX_EVENTS = 512;

    /** Changes applied per kevent call at most; the ring always has at least this much room. */
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

    private final int kq;
    private final EventRing ring;
    private final ByteBuffer changes;
    private final long changesAddress;
    /** Emulation only: two entries for deleting an fd's filters at once (see remove). */
    private final ByteBuffer removals;
    private final long removalsAddress;
    private int changeCount;
    /** Emulation only: the last wait filled the list it was given, so libkqueue may have dropped events. */
    private boolean maybeDropped;
    /** Changes that failed when applied ahead of a wait (EV_RECEIPT), reported as error events by the next poll. */
    private long[] failedTokens = new long[4];
    private int[] failedErrnos = new int[4];
    private int failedCount;
    private long controlCalls;

    public KqueuePoller(int initialEvents, int maxEvents) throws IOException {
        if (initialEvents < CHANGE_CAPACITY) {
            throw new IllegalArgumentException("the event ring must hold at least " + CHANGE_CAPACITY + " entries");
        }
        int fd = Errors.check("kqueue", KqueueNative.create());
        try {
            Errors.check("kevent(EVFILT_USER)", KqueueNative.addUserEvent(fd, WAKER_TOKEN));
        } catch (IOException | RuntimeException e) {
            SocketNative.close(fd);
            throw e;
        }
        kq = fd;
        ring = new EventRing(initialEvents, maxEvents, EVENT_SIZE, OFF_FILTER, OFF_UDATA);
        changes = ByteBuffer.allocateDirect(CHANGE_CAPACITY * EVENT_SIZE).order(ByteOrder.nativeOrder());
        changesAddress = SocketNative.bufferAddress(changes);
        removals = ByteBuffer.allocateDirect(2 * EVENT_SIZE).order(ByteOrder.nativeOrder());
        removalsAddress = SocketNative.bufferAddress(removals);
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
            int capacity = ring.capacity() - failedCount;
            int n = KqueueNative.kevent(kq, changesAddress, changeCount, ring.address(), capacity, t);
            // Applied even when the wait was interrupted: never hand them to the kernel twice.
            changeCount = 0;
            if (n != -Errno.EINTR) {
                n = Errors.check("kevent", n);
                // libkqueue asks epoll for as many events as the list has room for, then writes a read and a write
                // entry for each fd ready both ways, after the change errors; what no longer fits is dropped, and
                // with EV_CLEAR it is never reported again. It can only happen when the list came back full. A
                // BSD kernel leaves what did not fit queued for the next call.
                maybeDropped = EMULATED && n >= Math.min(capacity, EMULATION_MAX_EVENTS);
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
            writeEntry(ring, at, 0, EVFILT_READ, EV_ERROR, failedErrnos[i], failedTokens[i]);
        }
        failedCount = 0;
        return count;
    }

    @Override
    public boolean mayHaveDroppedEvents() {
        return maybeDropped;
    }

    @Override
    public void afterBatch(int n) {
        ring.growIfFull(n);
    }

    @Override
    public long token(int i) {
        return ring.data(i);
    }

    @Override
    public int events(int i) {
        short filter = ring.shortAt(i, OFF_FILTER);
        int flags = ring.shortAt(i, OFF_FLAGS) & 0xffff;
        if ((flags & EV_ERROR) != 0) {
            long errno = ring.longAt(i, OFF_DATA);
            // A change receipt: success, or a change for an fd closed meanwhile (its filters went with it; EPIPE
            // is macOS refusing EV_ADD on a pipe whose other end is closed). A failed delete is never news.
            if (errno == 0 || errno == EBADF || errno == ENOENT || errno == EPIPE || (flags & EV_DELETE) != 0) {
                return 0;
            }
            return EVENT_ERROR;
        }
        if ((flags & EV_DISABLE) != 0) {
            // libkqueue (over epoll, which always reports hang-ups) reports EV_EOF on a disabled filter too, with
            // the flags it was last given; a BSD kernel never reports a disabled filter. The socket error it may
            // carry is kept (see socketError): libkqueue has consumed SO_ERROR to fill it in.
            return (flags & EV_EOF) != 0 && ring.intAt(i, OFF_FFLAGS) != 0 ? EVENT_ERROR : 0;
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
        if ((flags & EV_EOF) != 0 && ring.intAt(i, OFF_FFLAGS) != 0) {
            out |= EVENT_ERROR;
        }
        return out;
    }

    @Override
    public int socketError(int i) {
        int flags = ring.shortAt(i, OFF_FLAGS) & 0xffff;
        return (flags & EV_EOF) != 0 && (flags & EV_ERROR) == 0 ? ring.intAt(i, OFF_FFLAGS) : 0;
    }

    /** How the read filter is armed for an interest. */
    private static int readState(int interest) {
        if ((interest & INTEREST_READ) != 0) {
            return (interest & INTEREST_EDGE) != 0 ? READ_CLEAR : READ_LEVEL;
        }
        // Only the half-close is wanted (reading is paused): kqueue reports it on the read filter alone, so the
        // filter is armed edge-triggered, which reports each arrival once instead of spinning on unread bytes.
        return (interest & INTEREST_READ_CLOSED) != 0 ? READ_CLEAR : READ_OFF;
    }

    private int readAddFlags(int state) {
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

    private int writeAddFlags(int interest) {
        int flags = EV_ADD | ((interest & INTEREST_WRITE) != 0 ? EV_ENABLE : EV_DISABLE);
        return (interest & INTEREST_EDGE) != 0 ? flags | EV_CLEAR : flags;
    }

    @Override
    public void add(int fd, int interest, long token) throws IOException {
        controlCalls++;
        if (EMULATED) {
            // libkqueue keeps the filters of an fd closed without EV_DELETE, and a new socket that gets the same
            // number is then silently never reported (no error, no events). Deleting first clears any such
            // leftover; on a fresh number the deletes fail with ENOENT and are skipped. A BSD kernel drops a
            // closed fd's filters itself.
            queue(fd, EVFILT_READ, EV_DELETE, 0);
            queue(fd, EVFILT_WRITE, EV_DELETE, 0);
        }
        if (EMULATED && (interest & INTEREST_EDGE) != 0) {
            // libkqueue keeps one epoll registration per fd for both filters, and each filter's change rewrites
            // its flags from the IN/OUT bits it tracks plus that filter's own flags. With the write filter added
            // last the registration loses EPOLLRDHUP, and an edge that finds bytes and the peer's FIN together
            // lacks EV_EOF (set only when no bytes are left): the end of the stream is never reported. Read
            // filter last keeps IN|OUT|RDHUP|ET. Level-triggered keeps the other order, which leaves the shared
            // registration level-triggered even when the read filter is armed edge-triggered for the half-close
            // alone: with the read filter last it would make the write filter edge-triggered too, exposed to the
            // events libkqueue drops (see poll). A BSD kernel sets EV_EOF whatever the order.
            addFilter(fd, EVFILT_WRITE, writeAddFlags(interest), token);
            addFilter(fd, EVFILT_READ, readAddFlags(readState(interest)), token);
            return;
        }
        addFilter(fd, EVFILT_READ, readAddFlags(readState(interest)), token);
        addFilter(fd, EVFILT_WRITE, writeAddFlags(interest), token);
    }

    private void addFilter(int fd, short filter, int flags, long token) throws IOException {
        if (EMULATED && (flags & EV_DISABLE) != 0) {
            // libkqueue ignores EV_DISABLE given together with EV_ADD (the filter reports anyway) and then loses the
            // other filter of the same fd; added enabled and disabled by a second change, it behaves. A BSD kernel
            // takes the combined flags.
            queue(fd, filter, flags & ~EV_DISABLE | EV_ENABLE, token);
            queue(fd, filter, EV_DISABLE, token);
            return;
        }
        queue(fd, filter, flags, token);
    }

    @Override
    public void modify(int fd, int previous, int interest, long token) throws IOException {
        controlCalls++;
        if (((previous ^ interest) & INTEREST_EDGE) != 0) {
            // EV_CLEAR is fixed when a filter is added: start over.
            remove(fd);
            add(fd, interest, token);
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
        if (EMULATED) {
            // libkqueue (over epoll) cannot see a close: filters of a closed fd stay in its tables and break the
            // next socket that gets the same number (its BUGS.md: remove before close). Callers remove before
            // they close, so deleting now, in a call of its own, is enough; other registrations' queued changes
            // stay queued, and an add of this fd still queued fails harmlessly (EBADF) after the close. A BSD
            // kernel needs no such care.
            deleteNow(fd);
            return;
        }
        queue(fd, EVFILT_READ, EV_DELETE, 0);
        queue(fd, EVFILT_WRITE, EV_DELETE, 0);
    }

    private void deleteNow(int fd) throws IOException {
        for (int i = 0; i < 2; i++) {
            int base = i * EVENT_SIZE;
            for (int off = 0; off < EVENT_SIZE; off += Long.BYTES) {
                removals.putLong(base + off, 0L);
            }
            removals.putLong(base + OFF_IDENT, fd);
            removals.putShort(base + OFF_FILTER, i == 0 ? EVFILT_READ : EVFILT_WRITE);
            removals.putShort(base + OFF_FLAGS, (short) (EV_DELETE | EV_RECEIPT));
        }
        int res;
        do {
            // Receipts into the same two entries: kevent returns after the changes, collecting no events.
            res = KqueueNative.kevent(kq, removalsAddress, 2, removalsAddress, 2, 0);
        } while (res == -Errno.EINTR);
        Errors.check("kevent(EV_DELETE)", res);
    }

    private void queue(int fd, short filter, int flags, long token) throws IOException {
        if (changeCount == CHANGE_CAPACITY) {
            flushWithReceipts();
        }
        writeEntry(null, changeCount++, fd, filter, flags, 0, token);
    }

    /** Writes one struct kevent into the change list (ring == null) or the event ring, zeroing the rest. */
    private void writeEntry(EventRing target, int index, int fd, short filter, int flags, long data, long token) {
        if (target != null) {
            // The ring's decoding reads only these fields.
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
            return; // the ring could not report more; the first ones already fail those channels
        }
        if (failedCount == failedTokens.length) {
            failedTokens = java.util.Arrays.copyOf(failedTokens, failedCount * 2);
            failedErrnos = java.util.Arrays.copyOf(failedErrnos, failedCount * 2);
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
        return EMULATED ? "kqueue (libkqueue emulation)" : "kqueue";
    }

    @Override
    public void close() {
        SocketNative.close(kq);
    }
}

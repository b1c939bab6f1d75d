package dev.customtransport.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@link KqueuePoller} over libkqueue, the kqueue emulation on top of Linux epoll that the test build links against
 * ({@code -Dkqueue.emulation.prefix}), so that the code macOS and FreeBSD ship runs here. Everything in this class
 * is a place where libkqueue (mheily/libkqueue f966089) behaves unlike a kernel's kqueue; a shipped library never
 * uses it. Dropping the emulation means deleting this file and its line in {@link Poller#open}.
 *
 * <ul>
 *   <li>It cannot see a close: the filters of an fd closed without EV_DELETE stay, and a new socket that gets the
 *   same number is then silently never reported. So removal is a kevent call of its own, made before the close,
 *   and an add deletes first (on a fresh number those deletes fail with ENOENT and are skipped).</li>
 *   <li>It keeps one epoll registration per fd for both filters, rewritten by each filter's change. Adding the write
 *   filter last loses EPOLLRDHUP, and an edge that finds bytes and the peer's FIN together lacks EV_EOF: the end of
 *   the stream is never reported. So edge-triggered adds write the write filter first. (Level-triggered keeps the
 *   kernel order, which leaves the shared registration level-triggered even when the read filter is armed
 *   edge-triggered for the half-close alone; read filter last would make the write filter edge-triggered too,
 *   exposed to the dropped events below.)</li>
 *   <li>It ignores EV_DISABLE given together with EV_ADD (the filter reports anyway) and then loses the fd's other
 *   filter; added enabled, then disabled by a second change, it behaves.</li>
 *   <li>Over epoll, which always reports hang-ups, it reports EV_EOF on a disabled filter, with the flags it was last
 *   given; only the socket error such an entry may carry is news.</li>
 *   <li>It drops events: it asks epoll for as many as the list has room for (at most 512), then writes a read and a
 *   write entry for each fd ready both ways, and what no longer fits is lost; with EV_CLEAR it is never reported
 *   again. A wait that fills the list runs the loop's lost-events recovery.</li>
 *   <li>It reads SO_ERROR to fill in an event's socket error, which clears it: the error the event carries is the
 *   only place it survives (the channels raise it, see {@code AbstractCustomUnsafe.takeCarriedError}).</li>
 * </ul>
 */
final class LibkqueuePoller extends KqueuePoller {
    /** libkqueue's cap on the events one kevent call returns (MAX_KEVENT in its private.h). */
    private static final int MAX_EVENTS = 512;

    private final Runnable onLostEvents;
    /** Two entries, for deleting an fd's filters in a call of their own. */
    private final ByteBuffer removals;
    private final long removalsAddress;

    LibkqueuePoller(int initialEvents, int maxEvents, Runnable onLostEvents) throws IOException {
        super(initialEvents, maxEvents);
        this.onLostEvents = onLostEvents;
        removals = ByteBuffer.allocateDirect(2 * EVENT_SIZE).order(ByteOrder.nativeOrder());
        removalsAddress = SocketNative.bufferAddress(removals);
    }

    @Override
    void waited(int n, int capacity) {
        if (n >= Math.min(capacity, MAX_EVENTS)) {
            onLostEvents.run();
        }
    }

    @Override
    public int events(int i) {
        int flags = array.shortAt(i, OFF_FLAGS) & 0xffff;
        if ((flags & EV_DISABLE) != 0 && (flags & EV_ERROR) == 0) {
            return (flags & EV_EOF) != 0 && array.intAt(i, OFF_FFLAGS) != 0 ? EVENT_ERROR : 0;
        }
        return super.events(i);
    }

    @Override
    void addFilters(int fd, int interest, long token) throws IOException {
        queue(fd, EVFILT_READ, EV_DELETE, 0);
        queue(fd, EVFILT_WRITE, EV_DELETE, 0);
        if ((interest & INTEREST_EDGE) != 0) {
            addFilter(fd, EVFILT_WRITE, writeAddFlags(interest), token);
            addFilter(fd, EVFILT_READ, readAddFlags(readState(interest)), token);
        } else {
            super.addFilters(fd, interest, token);
        }
    }

    @Override
    void addFilter(int fd, short filter, int flags, long token) throws IOException {
        if ((flags & EV_DISABLE) != 0) {
            queue(fd, filter, flags & ~EV_DISABLE | EV_ENABLE, token);
            queue(fd, filter, EV_DISABLE, token);
        } else {
            super.addFilter(fd, filter, flags, token);
        }
    }

    /**
     * Deletes both filters now, in a call of its own: callers remove before they close. Other registrations' queued
     * changes stay queued, and an add of this fd still queued fails harmlessly (EBADF) after the close.
     */
    @Override
    void removeFilters(int fd) throws IOException {
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

    @Override
    public String describe() {
        return "kqueue (libkqueue emulation)";
    }
}

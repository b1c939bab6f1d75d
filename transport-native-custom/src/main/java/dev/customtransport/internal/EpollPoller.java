package dev.customtransport.internal;

import java.io.IOException;

/**
 * The epoll backend of {@link Poller}. Owns the epoll fd, an eventfd for wakeups and a timerfd for short
 * deadlines when the kernel lacks {@code epoll_pwait2}; both are edge-triggered and never read: each write to the
 * eventfd produces one notification, which is all a wakeup needs.
 */
public final class EpollPoller implements Poller {
    private static final int EPOLLIN;
    private static final int EPOLLOUT;
    private static final int EPOLLERR;
    private static final int EPOLLHUP;
    private static final int EPOLLRDHUP;
    private static final int EPOLLET;
    private static final int CTL_ADD;
    private static final int CTL_MOD;
    private static final int CTL_DEL;
    private static final int EVENT_SIZE;
    private static final int DATA_OFFSET;
    /** Probed once: the symbol can exist while the kernel answers ENOSYS. */
    static final boolean PWAIT2;
    private static final long NANOS_PER_MILLI = 1_000_000L;

    static {
        NativeLibrary.ensureLoaded();
        int[] c = new int[EpollNative.C_COUNT];
        EpollNative.constants(c);
        EPOLLIN = c[EpollNative.C_EPOLLIN];
        EPOLLOUT = c[EpollNative.C_EPOLLOUT];
        EPOLLERR = c[EpollNative.C_EPOLLERR];
        EPOLLHUP = c[EpollNative.C_EPOLLHUP];
        EPOLLRDHUP = c[EpollNative.C_EPOLLRDHUP];
        EPOLLET = c[EpollNative.C_EPOLLET];
        CTL_ADD = c[EpollNative.C_CTL_ADD];
        CTL_MOD = c[EpollNative.C_CTL_MOD];
        CTL_DEL = c[EpollNative.C_CTL_DEL];
        EVENT_SIZE = c[EpollNative.C_EVENT_SIZE];
        DATA_OFFSET = c[EpollNative.C_EVENT_DATA_OFFSET];
        PWAIT2 = !Boolean.getBoolean("dev.customtransport.epoll.noPwait2") && probePwait2();
    }

    private static boolean probePwait2() {
        int epfd = EpollNative.create();
        if (epfd < 0) {
            return false;
        }
        try {
            EventArray array = new EventArray(1, 1, EVENT_SIZE, 0, DATA_OFFSET);
            return EpollNative.waitNanos(epfd, array.address(), 1, 0) >= 0;
        } finally {
            SocketNative.close(epfd);
        }
    }

    private final int epfd;
    private final int eventFd;
    private final int timerFd;
    private final EventArray array;
    /** The timerfd deadline (System.nanoTime based) currently armed, or 0. */
    private long armedDeadline;
    private long controlCalls;

    public EpollPoller(int initialEvents, int maxEvents) throws IOException {
        int ep = -1;
        int ev = -1;
        int tm = -1;
        try {
            ep = Errors.check("epoll_create1", EpollNative.create());
            ev = Errors.check("eventfd", EpollNative.eventFd());
            tm = Errors.check("timerfd_create", EpollNative.timerFd());
            Errors.check("epoll_ctl", EpollNative.ctl(ep, CTL_ADD, ev, EPOLLIN | EPOLLET, WAKER_TOKEN));
            Errors.check("epoll_ctl", EpollNative.ctl(ep, CTL_ADD, tm, EPOLLIN | EPOLLET, TIMER_TOKEN));
        } catch (IOException | RuntimeException e) {
            closeQuietly(tm);
            closeQuietly(ev);
            closeQuietly(ep);
            throw e;
        }
        epfd = ep;
        eventFd = ev;
        timerFd = tm;
        array = new EventArray(initialEvents, maxEvents, EVENT_SIZE, 0, DATA_OFFSET);
    }

    private static void closeQuietly(int fd) {
        if (fd >= 0) {
            SocketNative.close(fd);
        }
    }

    @Override
    public int pollNow() throws IOException {
        for (;;) {
            int n = EpollNative.waitMillis(epfd, array.address(), array.capacity(), 0);
            if (n != -Errno.EINTR) {
                return Errors.check("epoll_wait", n);
            }
        }
    }

    @Override
    public int poll(long timeoutNanos) throws IOException {
        if (timeoutNanos < 0) {
            disarmTimer();
            return waitMillisRetrying(-1, Long.MAX_VALUE);
        }
        long deadline = System.nanoTime() + timeoutNanos;
        if (PWAIT2) {
            for (;;) {
                int n = EpollNative.waitNanos(epfd, array.address(), array.capacity(), timeoutNanos);
                if (n != -Errno.EINTR) {
                    return Errors.check("epoll_pwait2", n);
                }
                // A signal (a profiler's, say) interrupted us: wait again for what is left, never the whole timeout.
                timeoutNanos = Math.max(0, deadline - System.nanoTime());
            }
        }
        if (timeoutNanos > 0 && timeoutNanos < NANOS_PER_MILLI) {
            // Millisecond waits would either spin (rounding down) or be late by up to 1 ms (rounding up): a timerfd
            // gives the short deadline exactly, and it is re-armed only when the deadline moves.
            if (armedDeadline != deadline) {
                Errors.check("timerfd_settime", EpollNative.timerFdArm(timerFd, timeoutNanos));
                armedDeadline = deadline;
            }
            return waitMillisRetrying(-1, Long.MAX_VALUE);
        }
        disarmTimer();
        return waitMillisRetrying(millisRoundedUp(timeoutNanos), deadline);
    }

    /** Rounded up, so the loop never wakes before the deadline only to find nothing due (a spin). */
    static int millisRoundedUp(long nanos) {
        long ms = (nanos + NANOS_PER_MILLI - 1) / NANOS_PER_MILLI;
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    private int waitMillisRetrying(int timeoutMillis, long deadline) throws IOException {
        for (;;) {
            int n = EpollNative.waitMillis(epfd, array.address(), array.capacity(), timeoutMillis);
            if (n != -Errno.EINTR) {
                return Errors.check("epoll_wait", n);
            }
            if (timeoutMillis > 0) {
                timeoutMillis = millisRoundedUp(Math.max(0, deadline - System.nanoTime()));
            }
        }
    }

    private void disarmTimer() throws IOException {
        if (armedDeadline != 0) {
            armedDeadline = 0;
            Errors.check("timerfd_settime", EpollNative.timerFdArm(timerFd, 0));
        }
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
        int e = array.flags(i);
        int out = 0;
        if ((e & EPOLLIN) != 0) {
            out |= EVENT_READABLE;
        }
        if ((e & EPOLLOUT) != 0) {
            out |= EVENT_WRITABLE;
        }
        if ((e & EPOLLERR) != 0) {
            out |= EVENT_ERROR;
        }
        if ((e & EPOLLRDHUP) != 0) {
            out |= EVENT_READ_CLOSED;
        }
        if ((e & EPOLLHUP) != 0) {
            out |= EVENT_HUP;
        }
        return out;
    }

    private static int toEpoll(int interest) {
        int e = 0;
        if ((interest & INTEREST_READ) != 0) {
            e |= EPOLLIN;
        }
        if ((interest & INTEREST_WRITE) != 0) {
            e |= EPOLLOUT;
        }
        if ((interest & INTEREST_READ_CLOSED) != 0) {
            e |= EPOLLRDHUP;
        }
        if ((interest & INTEREST_EDGE) != 0) {
            e |= EPOLLET;
        }
        return e;
    }

    @Override
    public void add(int fd, int interest, long token) throws IOException {
        controlCalls++;
        Errors.check("epoll_ctl(ADD)", EpollNative.ctl(epfd, CTL_ADD, fd, toEpoll(interest), token));
    }

    @Override
    public void modify(int fd, int previous, int interest, long token) throws IOException {
        controlCalls++;
        Errors.check("epoll_ctl(MOD)", EpollNative.ctl(epfd, CTL_MOD, fd, toEpoll(interest), token));
    }

    @Override
    public void remove(int fd) throws IOException {
        controlCalls++;
        int res = EpollNative.ctl(epfd, CTL_DEL, fd, 0, 0);
        // ENOENT: the kernel already dropped it (its last reference was closed); EBADF: the fd is closed.
        if (res < 0 && res != -Errno.ENOENT && res != -Errno.EBADF) {
            throw Errors.newIoException("epoll_ctl(DEL)", res);
        }
    }

    @Override
    public void busyPoll(int micros, int budget) throws IOException {
        // ENOTTY names the kernel's lack of the ioctl, so the call's name says which kernel has it.
        int res = EpollNative.busyPoll(epfd, micros, budget);
        Errors.check("ioctl(EPIOCSPARAMS, per-epoll busy poll, Linux 6.9+)", res);
    }

    /** The busy poll period the kernel holds for this epoll instance, in microseconds. */
    public int busyPollMicros() throws IOException {
        return Errors.check("ioctl(EPIOCGPARAMS)", EpollNative.busyPollMicros(epfd));
    }

    @Override
    public void wake() {
        int res = EpollNative.eventFdWrite(eventFd);
        if (res < 0) {
            // Only EBADF is possible here, and only if wake() raced destroy(), which the wake state forbids.
            throw new IllegalStateException(Errors.message("eventfd_write", -res));
        }
    }

    @Override
    public long controlCalls() {
        return controlCalls;
    }

    /** True if the kernel has epoll_pwait2 (nanosecond timeouts) and it is used. */
    public static boolean usesPwait2() {
        return PWAIT2;
    }

    @Override
    public String describe() {
        return PWAIT2 ? "epoll (epoll_pwait2)" : "epoll (epoll_wait + timerfd)";
    }

    @Override
    public void close() {
        closeQuietly(timerFd);
        closeQuietly(eventFd);
        closeQuietly(epfd);
    }
}

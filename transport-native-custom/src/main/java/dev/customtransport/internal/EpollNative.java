package dev.customtransport.internal;

/**
 * The natives of the epoll poller backend ({@code src/main/c/poller_epoll.c}). Each call is one syscall with
 * primitive arguments and returns its result or {@code -errno}; nothing here allocates or calls back into Java.
 * {@link EpollPoller} is the only user.
 */
final class EpollNative {
    private EpollNative() { }

    // Indexes into the array filled by constants(int[]).
    static final int C_EPOLLIN = 0;
    static final int C_EPOLLOUT = 1;
    static final int C_EPOLLERR = 2;
    static final int C_EPOLLHUP = 3;
    static final int C_EPOLLRDHUP = 4;
    static final int C_EPOLLET = 5;
    static final int C_CTL_ADD = 6;
    static final int C_CTL_MOD = 7;
    static final int C_CTL_DEL = 8;
    static final int C_EVENT_SIZE = 9;         // sizeof(struct epoll_event) (12 on x86_64: the struct is packed)
    static final int C_EVENT_DATA_OFFSET = 10; // offsetof(struct epoll_event, data)
    static final int C_COUNT = 11;

    /** Fills {@code out[0 .. C_COUNT)} with the constants above; side-effect free. */
    static native void constants(int[] out);

    /** epoll_create1(EPOLL_CLOEXEC). */
    static native int create();

    /** epoll_ctl(epfd, op, fd, {events, data.u64 = token}). For CTL_DEL the event is ignored. */
    static native int ctl(int epfd, int op, int fd, int events, long token);

    /** epoll_wait(epfd, events, maxEvents, timeoutMillis); -EINTR is returned, not retried. */
    static native int waitMillis(int epfd, long eventsAddress, int maxEvents, int timeoutMillis);

    /**
     * epoll_pwait2(epfd, events, maxEvents, &timespec, NULL, 0) through syscall(2); a negative timeout means block.
     * Returns -ENOSYS where the kernel (or the build) does not have it; -EINTR is returned, not retried.
     */
    static native int waitNanos(int epfd, long eventsAddress, int maxEvents, long timeoutNanos);

    /**
     * ioctl(epfd, EPIOCSPARAMS, {busy_poll_usecs, busy_poll_budget, prefer_busy_poll = 0}); -ENOTTY on a kernel
     * before 6.9, -EPERM for a budget above 64 without CAP_NET_ADMIN.
     */
    static native int busyPoll(int epfd, int micros, int budget);

    /** ioctl(epfd, EPIOCGPARAMS): the busy poll period in microseconds, or -errno. */
    static native int busyPollMicros(int epfd);

    /** eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK). */
    static native int eventFd();

    /**
     * eventfd_write(fd, 1). If the counter is saturated (EAGAIN) it is drained with one read and the write is
     * retried once: a wakeup must never be lost to a full counter.
     */
    static native int eventFdWrite(int fd);

    /** timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK). */
    static native int timerFd();

    /** timerfd_settime(fd, 0, one-shot after {@code nanos}); {@code nanos == 0} disarms. */
    static native int timerFdArm(int fd, long nanos);
}

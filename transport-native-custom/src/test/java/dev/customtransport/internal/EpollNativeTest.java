package dev.customtransport.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static dev.customtransport.internal.NativeTesting.address;
import static dev.customtransport.internal.NativeTesting.assertErrno;
import static dev.customtransport.internal.NativeTesting.closeQuietly;
import static dev.customtransport.internal.NativeTesting.direct;
import static dev.customtransport.internal.NativeTesting.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpollNativeTest {
    private static final int MAX_EVENTS = 8;
    /** Long enough for any machine; only bounds a broken build, nothing is asserted about time. */
    private static final int BLOCK_MILLIS = 30_000;

    private final int[] c = new int[EpollNative.C_COUNT];
    private int ep = -1;
    private ByteBuffer array;

    @BeforeEach
    void setUp() {
        NativeLibrary.ensureLoaded();
        // A kqueue build (the libkqueue emulation on Linux) registers KqueueNative instead.
        Assumptions.assumeTrue(NativeTesting.isEpoll(), "the library drives kqueue, not epoll");
        EpollNative.constants(c);
        ep = ok("epoll_create1", EpollNative.create());
        array = direct(MAX_EVENTS * c[EpollNative.C_EVENT_SIZE]);
    }

    @AfterEach
    void tearDown() {
        closeQuietly(ep);
    }

    private long eventToken(int i) {
        return array.getLong(i * c[EpollNative.C_EVENT_SIZE] + c[EpollNative.C_EVENT_DATA_OFFSET]);
    }

    private int eventFlags(int i) {
        return array.getInt(i * c[EpollNative.C_EVENT_SIZE]);
    }

    private int waitMillis(int timeout) {
        int n;
        do {
            n = EpollNative.waitMillis(ep, address(array), MAX_EVENTS, timeout);
        } while (n == -Errno.EINTR);
        return ok("epoll_wait", n);
    }

    private static long token(int slot, int generation) {
        return (long) generation << 32 | slot & 0xffffffffL;
    }

    @Test
    void constantsDescribeTheKernelStruct() {
        assertEquals(1, c[EpollNative.C_EPOLLIN]);
        assertEquals(4, c[EpollNative.C_EPOLLOUT]);
        assertEquals(1 << 31, c[EpollNative.C_EPOLLET]);
        assertTrue(c[EpollNative.C_EVENT_SIZE] == 12 || c[EpollNative.C_EVENT_SIZE] == 16, "sizeof(struct epoll_event)");
        assertEquals(c[EpollNative.C_EVENT_SIZE] - 8, c[EpollNative.C_EVENT_DATA_OFFSET]);
        assertTrue(c[EpollNative.C_CTL_ADD] != c[EpollNative.C_CTL_MOD] && c[EpollNative.C_CTL_MOD] != c[EpollNative.C_CTL_DEL]);
    }

    @Test
    void waitWithZeroTimeoutOnNothingReturnsZero() {
        assertEquals(0, waitMillis(0));
    }

    @Test
    void tokenRoundTripsThroughTheRingAndEdgeTriggeredWakeIsSeenOnce() {
        int efd = ok("eventfd", EpollNative.eventFd());
        try {
            long token = token(42, 0x7654321);
            int in = c[EpollNative.C_EPOLLIN];
            ok("ctl add", EpollNative.ctl(ep, c[EpollNative.C_CTL_ADD], efd, in | c[EpollNative.C_EPOLLET], token));
            assertEquals(0, waitMillis(0), "nothing written yet");

            assertEquals(0, EpollNative.eventFdWrite(efd));
            assertEquals(1, waitMillis(BLOCK_MILLIS));
            assertEquals(token, eventToken(0));
            assertTrue((eventFlags(0) & in) != 0);
            // Edge-triggered: the counter is still non-zero, but no new edge, so no new event.
            assertEquals(0, waitMillis(0));

            // A second write is a new edge.
            assertEquals(0, EpollNative.eventFdWrite(efd));
            assertEquals(1, waitMillis(BLOCK_MILLIS));

            // MOD replaces the token (a generation bump); -1 in the high bits survives too.
            long newToken = token(7, -1);
            ok("ctl mod", EpollNative.ctl(ep, c[EpollNative.C_CTL_MOD], efd, in | c[EpollNative.C_EPOLLET], newToken));
            assertEquals(1, waitMillis(BLOCK_MILLIS), "MOD re-arms the edge while the counter is readable");
            assertEquals(newToken, eventToken(0));

            ok("ctl del", EpollNative.ctl(ep, c[EpollNative.C_CTL_DEL], efd, 0, 0));
            assertEquals(0, EpollNative.eventFdWrite(efd));
            assertEquals(0, waitMillis(0), "deleted: no more events");
            assertErrno(Errno.ENOENT, EpollNative.ctl(ep, c[EpollNative.C_CTL_DEL], efd, 0, 0));
        } finally {
            closeQuietly(efd);
        }
    }

    @Test
    void levelTriggeredReportsUntilDrained() {
        int efd = ok("eventfd", EpollNative.eventFd());
        try {
            ok("ctl add", EpollNative.ctl(ep, c[EpollNative.C_CTL_ADD], efd, c[EpollNative.C_EPOLLIN], 1));
            assertEquals(0, EpollNative.eventFdWrite(efd));
            assertEquals(1, waitMillis(BLOCK_MILLIS));
            assertEquals(1, waitMillis(0), "still readable, still reported");
            ByteBuffer counter = direct(8);
            assertEquals(8, SocketNative.read(efd, address(counter), 8));
            assertEquals(1L, counter.getLong(0));
            assertEquals(0, waitMillis(0));
        } finally {
            closeQuietly(efd);
        }
    }

    @Test
    void wakeupSurvivesASaturatedCounter() {
        int efd = ok("eventfd", EpollNative.eventFd());
        try {
            // Fill the counter to its maximum (2^64 - 2): a plain eventfd write of 1 would now fail with EAGAIN.
            ByteBuffer value = direct(8);
            value.putLong(0, 0xfffffffffffffffeL);
            assertEquals(8, SocketNative.write(efd, address(value), 8));
            value.putLong(0, 1);
            assertErrno(Errno.EAGAIN, SocketNative.write(efd, address(value), 8));

            assertEquals(0, EpollNative.eventFdWrite(efd));
            assertEquals(8, SocketNative.read(efd, address(value), 8));
            assertEquals(1L, value.getLong(0), "drained once, then the wakeup written");
        } finally {
            closeQuietly(efd);
        }
    }

    @Test
    void timerFdFires() {
        int tfd = ok("timerfd_create", EpollNative.timerFd());
        try {
            ok("ctl add", EpollNative.ctl(ep, c[EpollNative.C_CTL_ADD], tfd, c[EpollNative.C_EPOLLIN], token(3, 9)));
            assertEquals(0, EpollNative.timerFdArm(tfd, 1_000_000L));
            assertEquals(1, waitMillis(BLOCK_MILLIS));
            assertEquals(token(3, 9), eventToken(0));
            ByteBuffer expirations = direct(8);
            assertEquals(8, SocketNative.read(tfd, address(expirations), 8));
            assertEquals(1L, expirations.getLong(0), "one-shot");

            // Armed far away, then disarmed: nothing to read.
            assertEquals(0, EpollNative.timerFdArm(tfd, 3_600_000_000_000L));
            assertEquals(0, EpollNative.timerFdArm(tfd, 0));
            assertErrno(Errno.EAGAIN, SocketNative.read(tfd, address(expirations), 8));
            assertErrno(Errno.EINVAL, EpollNative.timerFdArm(tfd, -1));
        } finally {
            closeQuietly(tfd);
        }
    }

    @Test
    void waitNanosWorksOrSaysEnosys() {
        int rc = EpollNative.waitNanos(ep, address(array), MAX_EVENTS, 0);
        if (rc == -Errno.ENOSYS) {
            return; // kernel before 5.11: the Java side falls back to waitMillis
        }
        assertEquals(0, rc);
        assertEquals(0, EpollNative.waitNanos(ep, address(array), MAX_EVENTS, 1_000L), "1 us, nothing registered");

        int efd = ok("eventfd", EpollNative.eventFd());
        try {
            ok("ctl add", EpollNative.ctl(ep, c[EpollNative.C_CTL_ADD], efd, c[EpollNative.C_EPOLLIN], token(5, 1)));
            assertEquals(0, EpollNative.eventFdWrite(efd));
            // A negative timeout blocks (NULL timespec); an event is already pending, so it returns at once.
            int n;
            do {
                n = EpollNative.waitNanos(ep, address(array), MAX_EVENTS, -1);
            } while (n == -Errno.EINTR);
            assertEquals(1, n);
            assertEquals(token(5, 1), eventToken(0));
        } finally {
            closeQuietly(efd);
        }
    }

    @Test
    void ctlOnABadFdFails() {
        assertErrno(Errno.EBADF, EpollNative.ctl(ep, c[EpollNative.C_CTL_ADD], -1, c[EpollNative.C_EPOLLIN], 0));
        assertErrno(Errno.EBADF, EpollNative.waitMillis(-1, address(array), MAX_EVENTS, 0));
    }
}

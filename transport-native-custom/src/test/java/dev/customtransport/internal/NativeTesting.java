package dev.customtransport.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** What the native tests share: checked results, direct memory, and waiting for readiness through epoll. */
final class NativeTesting {
    private static final int[] EPOLL = new int[EpollNative.C_COUNT];

    static {
        NativeLibrary.ensureLoaded();
        EpollNative.constants(EPOLL);
    }

    private NativeTesting() { }

    static int epoll(int index) {
        return EPOLL[index];
    }

    /** Asserts a native succeeded and returns its result; a failure names the errno. */
    static int ok(String what, long res) {
        if (res < 0) {
            fail(what + " failed: " + Errno.name((int) -res) + " (" + Errno.describe((int) -res) + ")");
        }
        return (int) res;
    }

    static void assertErrno(int expectedErrno, long res) {
        assertEquals(-expectedErrno, res, () -> "expected -" + Errno.name(expectedErrno) + " but got " + res
                + (res < 0 ? " (" + Errno.name((int) -res) + ")" : ""));
    }

    static ByteBuffer direct(int capacity) {
        return ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
    }

    static long address(ByteBuffer direct) {
        long address = SocketNative.bufferAddress(direct);
        assertTrue(address != 0, "direct buffer without an address");
        return address;
    }

    /**
     * Blocks until {@code fd} reports one of {@code events} (EPOLLIN / EPOLLOUT values), or fails after a generous
     * bound; the bound only keeps a broken build from hanging, nothing is asserted about time.
     */
    static void await(int fd, int events) {
        int ep = ok("epoll_create", EpollNative.create());
        try {
            ok("epoll_ctl", EpollNative.ctl(ep, EPOLL[EpollNative.C_CTL_ADD], fd, events, 1));
            ByteBuffer ring = direct(4 * EPOLL[EpollNative.C_EVENT_SIZE]);
            int n;
            do {
                n = EpollNative.waitMillis(ep, address(ring), 4, 30_000);
            } while (n == -Errno.EINTR);
            assertEquals(1, ok("epoll_wait", n), "fd " + fd + " did not become ready");
        } finally {
            SocketNative.close(ep);
        }
    }

    static void closeQuietly(int... fds) {
        for (int fd : fds) {
            if (fd >= 0) {
                SocketNative.close(fd);
            }
        }
    }
}

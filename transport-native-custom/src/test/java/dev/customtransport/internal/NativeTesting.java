package dev.customtransport.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the native tests share: checked results, direct memory, and waiting for readiness through the poller the
 * library was built with (epoll, or kqueue).
 */
final class NativeTesting {
    static {
        NativeLibrary.ensureLoaded();
    }

    private NativeTesting() { }

    /** True if the library drives epoll (EpollNative is registered); false for a kqueue build. */
    static boolean isEpoll() {
        return SystemNative.backend() == NativeLibrary.BACKEND_EPOLL;
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
     * Blocks until {@code fd} reports one of {@code interest} ({@link Poller#INTEREST_READ} / {@code _WRITE}), or
     * fails after a generous bound; the bound only keeps a broken build from hanging, nothing is asserted about time.
     * Returns the socket error the event carried ({@link Poller#socketError}), usually 0.
     */
    static int await(int fd, int interest) {
        try (Poller poller = Poller.open(512, 512, () -> { })) {
            poller.add(fd, interest, 1);
            long deadline = System.nanoTime() + 30_000_000_000L;
            for (;;) {
                int n = poller.poll(Math.max(0, deadline - System.nanoTime()));
                boolean ready = false;
                int error = 0;
                for (int i = 0; i < n; i++) {
                    if (poller.token(i) == 1 && poller.events(i) != 0) {
                        ready = true;
                        error = error != 0 ? error : poller.socketError(i);
                    }
                }
                if (ready) {
                    return error;
                }
                assertTrue(System.nanoTime() < deadline, "fd " + fd + " did not become ready");
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
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

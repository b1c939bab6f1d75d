package dev.customtransport.internal;

import dev.customtransport.NativeIoException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorsTest {

    /** The message names the call, the errno and the OS's text for it. */
    private static void assertMessage(Throwable e, String syscall, int errno) {
        String message = e.getMessage();
        assertTrue(message.contains(syscall), message);
        assertTrue(message.contains(Errno.name(errno)), message);
        assertTrue(message.contains(Errno.describe(errno)), message);
    }

    @Test
    void errnoValuesCameFromTheNativeLibrary() {
        Set<Integer> seen = new HashSet<>();
        for (String name : Errno.NAMES) {
            assertFalse(name.isEmpty());
        }
        int[] values = {
            Errno.EAGAIN, Errno.EBADF, Errno.ENOTCONN, Errno.ECONNREFUSED, Errno.ECONNRESET, Errno.EPIPE,
            Errno.EINPROGRESS, Errno.EALREADY, Errno.EISCONN, Errno.ENETUNREACH, Errno.EHOSTUNREACH, Errno.EINTR,
            Errno.ENOENT, Errno.EMFILE, Errno.ENFILE, Errno.ENOBUFS, Errno.ENOMEM, Errno.ETIMEDOUT, Errno.EADDRINUSE,
            Errno.EADDRNOTAVAIL, Errno.ECONNABORTED, Errno.EINVAL, Errno.EOPNOTSUPP, Errno.ENOPROTOOPT, Errno.ENOSYS,
            Errno.EPERM, Errno.EACCES, Errno.ENOTSOCK, Errno.EFAULT, Errno.EMSGSIZE, Errno.EAFNOSUPPORT,
            Errno.ENOTDIR, Errno.EEXIST, Errno.ESHUTDOWN, Errno.EPROTOTYPE, Errno.ENAMETOOLONG,
        };
        assertEquals(Errno.NAMES.length - 1, values.length, "every name but EWOULDBLOCK listed here");
        for (int v : values) {
            assertTrue(v > 0, "errno " + v);
            assertTrue(seen.add(v), "errno " + v + " twice");
        }
        assertTrue(Errno.EWOULDBLOCK > 0);
        assertEquals("ECONNRESET", Errno.name(Errno.ECONNRESET));
        assertEquals("errno 99999", Errno.name(99999));
        assertFalse(Errno.describe(Errno.ECONNRESET).isEmpty());
        assertFalse(Errno.describe(99999).isEmpty(), "strerror of an unknown errno still says something");
    }

    @Test
    void econnrefusedIsConnectException() {
        IOException e = Errors.newIoException("connect", -Errno.ECONNREFUSED);
        assertInstanceOf(ConnectException.class, e);
        assertMessage(e, "connect", Errno.ECONNREFUSED);
    }

    @Test
    void unreachableIsNoRouteToHost() {
        for (int errno : new int[] { Errno.EHOSTUNREACH, Errno.ENETUNREACH }) {
            IOException e = Errors.newIoException("connect", -errno);
            assertInstanceOf(NoRouteToHostException.class, e);
            assertMessage(e, "connect", errno);
        }
    }

    @Test
    void ebadfIsClosedChannelWithTheNativeCause() {
        IOException e = Errors.newIoException("writev", -Errno.EBADF);
        assertInstanceOf(ClosedChannelException.class, e);
        NativeIoException cause = assertInstanceOf(NativeIoException.class, e.getCause());
        assertEquals("writev", cause.syscall());
        assertEquals(Errno.EBADF, cause.errno());
        assertMessage(cause, "writev", Errno.EBADF);
    }

    @Test
    void resetAndBrokenPipeAreNativeIoExceptions() {
        for (int errno : new int[] { Errno.ECONNRESET, Errno.EPIPE }) {
            IOException e = Errors.newIoException("writev", -errno);
            NativeIoException n = assertInstanceOf(NativeIoException.class, e);
            assertEquals("writev", n.syscall());
            assertEquals(errno, n.errno());
            assertEquals(Errno.name(errno), n.errnoName());
            assertMessage(e, "writev", errno);
        }
    }

    @Test
    void ioResultIgnoresWouldBlockAndMapsNotConnected() throws IOException {
        assertEquals(0, Errors.ioResult("read", -Errno.EAGAIN));
        assertEquals(0, Errors.ioResult("read", -Errno.EWOULDBLOCK));
        assertEquals(0L, Errors.ioResult("writev", (long) -Errno.EAGAIN));
        assertEquals(17, Errors.ioResult("read", 17));
        assertEquals(1L << 33, Errors.ioResult("writev", 1L << 33));
        assertThrows(NotYetConnectedException.class, () -> Errors.ioResult("read", -Errno.ENOTCONN));
        IOException reset = assertThrows(IOException.class, () -> Errors.ioResult("read", -Errno.ECONNRESET));
        assertInstanceOf(NativeIoException.class, reset);
        assertTrue(Errors.isWouldBlock(-Errno.EAGAIN));
        assertFalse(Errors.isWouldBlock(-Errno.EINTR));
        assertFalse(Errors.isWouldBlock(0));
    }

    @Test
    void connectHasItsOwnExceptions() {
        assertInstanceOf(AlreadyConnectedException.class, Errors.newConnectException("connect", -Errno.EISCONN));
        assertInstanceOf(ConnectionPendingException.class, Errors.newConnectException("connect", -Errno.EALREADY));
        Exception refused = Errors.newConnectException("connect", -Errno.ECONNREFUSED);
        assertInstanceOf(ConnectException.class, refused);
        assertMessage(refused, "connect", Errno.ECONNREFUSED);
    }

    @Test
    void refusedDatagramIsPortUnreachable() {
        IOException e = Errors.newDatagramException("sendmsg", -Errno.ECONNREFUSED);
        assertInstanceOf(PortUnreachableException.class, e);
        assertMessage(e, "sendmsg", Errno.ECONNREFUSED);
        assertInstanceOf(NativeIoException.class, Errors.newDatagramException("sendmsg", -Errno.EMSGSIZE));
    }

    @Test
    void checkPassesResultsAndThrowsErrors() throws IOException {
        assertEquals(3, Errors.check("socket", 3));
        assertEquals(5L, Errors.check("sendfile", 5L));
        IOException e = assertThrows(IOException.class, () -> Errors.check("bind", -Errno.EADDRINUSE));
        assertMessage(e, "bind", Errno.EADDRINUSE);
        assertThrows(IOException.class, () -> Errors.check("sendfile", (long) -Errno.EINVAL));
    }

    @Test
    void aRealSyscallErrorReadsWell() {
        // The whole path: a native fails, Errors names it.
        long res = SocketNative.close(-1);
        IOException e = Errors.newIoException("close", (int) res);
        assertInstanceOf(ClosedChannelException.class, e);
        assertMessage(e.getCause(), "close", Errno.EBADF);
    }
}

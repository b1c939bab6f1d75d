package dev.customtransport.internal;

import dev.customtransport.NativeIoException;
import io.netty.channel.ChannelException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NotYetConnectedException;

/**
 * The one place where a failed system call ({@code -errno} from the native layer) becomes a Java exception. The
 * exception types are those Netty's epoll transport throws for the same errno, so handlers written for it keep
 * working; messages name the call, the errno and the OS's text for it.
 */
public final class Errors {
    private Errors() { }

    /** An exception for {@code syscall} failing with {@code -negErrno}, typed as Netty's epoll transport does. */
    public static IOException newIoException(String syscall, int negErrno) {
        int errno = -negErrno;
        if (errno == Errno.ECONNREFUSED) {
            ConnectException e = new ConnectException(message(syscall, errno));
            return e;
        }
        if (errno == Errno.ENETUNREACH || errno == Errno.EHOSTUNREACH) {
            return new NoRouteToHostException(message(syscall, errno));
        }
        if (errno == Errno.EBADF) {
            // The descriptor was closed under us: to the user, that is a closed channel.
            ClosedChannelException e = new ClosedChannelException();
            e.initCause(nativeException(syscall, errno));
            return e;
        }
        return nativeException(syscall, errno);
    }

    /** Like {@link #newIoException}, but for connect(2), where a few errnos have their own NIO exception types. */
    public static Exception newConnectException(String syscall, int negErrno) {
        int errno = -negErrno;
        if (errno == Errno.EISCONN) {
            return new AlreadyConnectedException();
        }
        if (errno == Errno.EALREADY) {
            return new ConnectionPendingException();
        }
        return newIoException(syscall, negErrno);
    }

    /** For a connected datagram socket, ECONNREFUSED means an ICMP port unreachable came back. */
    public static IOException newDatagramException(String syscall, int negErrno) {
        if (-negErrno == Errno.ECONNREFUSED) {
            return new PortUnreachableException(message(syscall, -negErrno));
        }
        return newIoException(syscall, negErrno);
    }

    /** Throws unless {@code res} is a success (non-negative); returns it otherwise. */
    public static int check(String syscall, int res) throws IOException {
        if (res < 0) {
            throw newIoException(syscall, res);
        }
        return res;
    }

    /** The long variant of {@link #check(String, int)}. */
    public static long check(String syscall, long res) throws IOException {
        if (res < 0) {
            throw newIoException(syscall, (int) res);
        }
        return res;
    }

    /**
     * For reads and writes on a stream socket: the byte count, or 0 when the call would block (EAGAIN and
     * EWOULDBLOCK are ignored here on purpose: "try again later" is the normal end of a non-blocking loop).
     * ENOTCONN becomes {@link NotYetConnectedException}.
     */
    public static int ioResult(String syscall, int res) throws IOException {
        if (res >= 0) {
            return res;
        }
        int errno = -res;
        if (errno == Errno.EAGAIN || errno == Errno.EWOULDBLOCK) {
            return 0;
        }
        if (errno == Errno.ENOTCONN) {
            throw new NotYetConnectedException();
        }
        throw newIoException(syscall, res);
    }

    /** The long variant of {@link #ioResult(String, int)}. */
    public static long ioResult(String syscall, long res) throws IOException {
        if (res >= 0) {
            return res;
        }
        return ioResult(syscall, (int) res);
    }

    /** True if {@code res} is {@code -EAGAIN} or {@code -EWOULDBLOCK}. */
    public static boolean isWouldBlock(long res) {
        return res == -Errno.EAGAIN || res == -Errno.EWOULDBLOCK;
    }

    /**
     * For a feature this build's natives lack (see {@link NativeFeatures}): an exception naming the feature and the
     * platform, raised before any call is made.
     */
    public static UnsupportedOperationException unsupported(String feature) {
        return new UnsupportedOperationException(unsupportedText(feature));
    }

    /** Like {@link #unsupported}, for an option: the {@link ChannelException} that option failures are. */
    public static ChannelException unsupportedOption(String call, String feature) {
        return new ChannelException(call + " failed: " + unsupportedText(feature));
    }

    private static String unsupportedText(String feature) {
        return feature + " is not supported on this platform (" + NativeFeatures.platform() + ")";
    }

    /**
     * The text of an errno in option failures. ENOPROTOOPT is what the option tables (sockopt_*.c) answer for an
     * option the platform lacks, so it says that, and which platform.
     */
    public static String errnoText(int errno) {
        if (errno == Errno.ENOPROTOOPT) {
            return "ENOPROTOOPT: not supported on this platform (" + NativeFeatures.platform() + ")";
        }
        return Errno.name(errno) + ": " + Errno.describe(errno);
    }

    static NativeIoException nativeException(String syscall, int errno) {
        return new NativeIoException(syscall, errno, Errno.name(errno), message(syscall, errno));
    }

    static String message(String syscall, int errno) {
        return syscall + "(..) failed with " + Errno.name(errno) + ": " + Errno.describe(errno);
    }
}

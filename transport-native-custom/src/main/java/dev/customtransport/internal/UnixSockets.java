package dev.customtransport.internal;

import io.netty.channel.ChannelException;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.PeerCredentials;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Unix domain sockets: creating, binding and connecting by path, descriptor passing, peer credentials. Failures
 * become exceptions through {@link Errors}.
 */
public final class UnixSockets {
    private static final int[] CONSTANTS = new int[UnixNative.C_COUNT];

    static {
        NativeLibrary.ensureLoaded();
        UnixNative.constants(CONSTANTS);
    }

    /** The most descriptors one received message is read with; more are dropped by the kernel (MSG_CTRUNC). */
    public static final int MAX_FDS_PER_MESSAGE = CONSTANTS[UnixNative.C_MAX_FDS];
    public static final int MSG_CTRUNC = CONSTANTS[UnixNative.C_MSG_CTRUNC];

    private UnixSockets() { }

    public static SocketFd newStream() {
        return newSocket(SocketNative.TYPE_STREAM);
    }

    public static SocketFd newDatagram() {
        return newSocket(SocketNative.TYPE_DGRAM);
    }

    private static SocketFd newSocket(int type) {
        int res = SocketNative.socket(SocketNative.DOMAIN_UNIX, type);
        if (res < 0) {
            throw new ChannelException(Errors.newIoException("socket", res));
        }
        return new SocketFd(res, false);
    }

    /** The bytes of the path as the kernel gets them (UTF-8, as Netty encodes it; a leading NUL is abstract). */
    public static byte[] pathBytes(DomainSocketAddress address) {
        return address.path().getBytes(StandardCharsets.UTF_8);
    }

    private static DomainSocketAddress domain(SocketAddress address) {
        if (!(address instanceof DomainSocketAddress)) {
            throw new IllegalArgumentException("unsupported address type: "
                    + (address == null ? "null" : address.getClass().getName()) + " (expected: DomainSocketAddress)");
        }
        return (DomainSocketAddress) address;
    }

    public static void bind(SocketFd socket, SocketAddress local) throws IOException {
        DomainSocketAddress a = domain(local);
        int res = socket.isOpen() ? SocketNative.bindUnix(socket.intValue(), pathBytes(a)) : -Errno.EBADF;
        if (res < 0) {
            throw Errors.newIoException("bind(" + a + ")", res);
        }
    }

    /** True when connected at once, false while in progress. */
    public static boolean connect(SocketFd socket, SocketAddress remote) throws Exception {
        DomainSocketAddress a = domain(remote);
        int res = socket.isOpen() ? SocketNative.connectUnix(socket.intValue(), pathBytes(a)) : -Errno.EBADF;
        if (res == 0) {
            return true;
        }
        if (res == -Errno.EINPROGRESS) {
            return false;
        }
        if (res == -Errno.ENOENT) {
            // As Netty's transports report a missing socket file.
            FileNotFoundException e = new FileNotFoundException(a.path());
            e.initCause(Errors.newIoException("connect", res));
            throw e;
        }
        throw Errors.newConnectException("connect", res);
    }

    public static DomainSocketAddress localAddress(SocketFd socket) {
        byte[] buf = new byte[SocketNative.ADDRESS_BUFFER_SIZE];
        int len = socket.isOpen() ? SocketNative.localAddress(socket.intValue(), buf) : -1;
        return decode(buf, len);
    }

    public static DomainSocketAddress remoteAddress(SocketFd socket) {
        byte[] buf = new byte[SocketNative.ADDRESS_BUFFER_SIZE];
        int len = socket.isOpen() ? SocketNative.remoteAddress(socket.intValue(), buf) : -1;
        return decode(buf, len);
    }

    /**
     * A unix address in the native format; null for none (or another family). An unnamed socket (unbound, or the
     * unbound peer of a connection) has an empty path, as Netty's epoll transport reports it.
     */
    static DomainSocketAddress decode(byte[] buf, int len) {
        if (len < 1 || buf[0] != 1) {
            return null;
        }
        return new DomainSocketAddress(new String(buf, 1, len - 1, StandardCharsets.UTF_8));
    }

    /** Sends {@code fd} as SCM_RIGHTS with one byte: true if sent, false if the socket buffer is full. */
    public static boolean sendFd(SocketFd socket, int fd) throws IOException {
        int res = UnixNative.sendFd(socket.intValue(), fd);
        return Errors.ioResult("sendmsg(SCM_RIGHTS)", res) > 0;
    }

    /**
     * Receives one message of descriptors into {@code out} (length {@code 2 + MAX_FDS_PER_MESSAGE}): bytes
     * received, 0 when nothing is there, -1 at the end of the stream. {@code out[0]} descriptors follow at
     * {@code out[2..]}; {@code out[1]} are the msg_flags.
     */
    public static int recvFds(SocketFd socket, int[] out) throws IOException {
        out[0] = 0;
        int res = UnixNative.recvFds(socket.intValue(), out);
        if (res > 0) {
            return res;
        }
        if (res == 0) {
            return -1;
        }
        return Errors.ioResult("recvmsg(SCM_RIGHTS)", res);
    }

    public static int[] newFdBuffer() {
        return new int[2 + MAX_FDS_PER_MESSAGE];
    }

    public static PeerCredentials peerCredentials(SocketFd socket) throws IOException {
        int[] cred = new int[3];
        Errors.check("getsockopt(SO_PEERCRED)", UnixNative.peerCredentials(socket.intValue(), cred));
        return NettyUnix.peerCredentials(cred[0], cred[1], cred[2]);
    }

    /** Closes a descriptor we were handed and are not giving to anyone. */
    public static void closeQuietly(int fd) {
        if (fd >= 0) {
            SocketNative.close(fd);
        }
    }

    /** close(2) of a plain descriptor. */
    public static void close(int fd) throws IOException {
        Errors.check("close", SocketNative.close(fd));
    }
}

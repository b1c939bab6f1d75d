package dev.customtransport.internal;

import io.netty.channel.ChannelException;
import io.netty.channel.DefaultFileRegion;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An open socket descriptor and what can be done with it. The descriptor is closed at most once, whichever
 * thread closes it and however often: after that its number may belong to someone else, so every later call
 * fails as closed instead of touching it.
 */
public final class SocketFd {
    private static final int CLOSED = 1;
    private static final int INPUT_SHUTDOWN = 2;
    private static final int OUTPUT_SHUTDOWN = 4;

    /** Sockets are IPv6 dual-stack where the machine has IPv6, as Netty's native transports make them. */
    public static final boolean IPV6 = !Boolean.getBoolean("java.net.preferIPv4Stack") && probeIpv6();

    private static boolean probeIpv6() {
        NativeLibrary.ensureLoaded();
        int fd = SocketNative.socket(SocketNative.DOMAIN_INET6, SocketNative.TYPE_STREAM);
        if (fd < 0) {
            return false;
        }
        SocketNative.close(fd);
        return true;
    }

    private final int fd;
    private final boolean ipv6;
    private final AtomicInteger state = new AtomicInteger();

    public SocketFd(int fd, boolean ipv6) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd " + fd);
        }
        this.fd = fd;
        this.ipv6 = ipv6;
    }

    /** A new non-blocking, close-on-exec TCP socket. */
    public static SocketFd newStream() {
        int domain = IPV6 ? SocketNative.DOMAIN_INET6 : SocketNative.DOMAIN_INET;
        int res = SocketNative.socket(domain, SocketNative.TYPE_STREAM);
        if (res < 0) {
            throw new ChannelException(Errors.newIoException("socket", res));
        }
        return new SocketFd(res, IPV6);
    }

    public int intValue() {
        return fd;
    }

    public boolean isIpv6() {
        return ipv6;
    }

    public boolean isOpen() {
        return (state.get() & CLOSED) == 0;
    }

    /** True once the input was shut, or the socket closed (as NIO and Netty's transports report it). */
    public boolean isInputShutdown() {
        return (state.get() & (INPUT_SHUTDOWN | CLOSED)) != 0;
    }

    /** True once the output was shut, or the socket closed. */
    public boolean isOutputShutdown() {
        return (state.get() & (OUTPUT_SHUTDOWN | CLOSED)) != 0;
    }

    public boolean isShutdown() {
        int s = state.get();
        return (s & CLOSED) != 0 || (s & (INPUT_SHUTDOWN | OUTPUT_SHUTDOWN)) == (INPUT_SHUTDOWN | OUTPUT_SHUTDOWN);
    }

    /**
     * Whether unread data waits: 1 yes, 0 only the end of the stream, -1 nothing yet. Reads nothing.
     */
    public int peek() throws IOException {
        int res = SocketNative.peek(fd);
        if (res >= 0) {
            return res;
        }
        if (Errors.isWouldBlock(res)) {
            return -1;
        }
        throw Errors.newIoException("recv(MSG_PEEK)", res);
    }

    /** Closes the descriptor if this is the first call; later and concurrent calls do nothing. */
    public void close() throws IOException {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return;
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                break;
            }
        }
        int res = SocketNative.close(fd);
        if (res < 0) {
            throw Errors.newIoException("close", res);
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    public void shutdown(boolean read, boolean write) throws IOException {
        ensureOpen();
        int s;
        int add = (read ? INPUT_SHUTDOWN : 0) | (write ? OUTPUT_SHUTDOWN : 0);
        do {
            s = state.get();
            if ((s & add) == add) {
                return;
            }
        } while (!state.compareAndSet(s, s | add));
        int res = SocketNative.shutdown(fd, read, write);
        if (res < 0) {
            // ENOTCONN (never connected, or reset) becomes NotYetConnectedException, as NIO reports it.
            Errors.ioResult("shutdown", res);
        }
    }

    private static InetSocketAddress inet(SocketAddress address) {
        if (!(address instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("unsupported address type: " + address.getClass().getName());
        }
        InetSocketAddress a = (InetSocketAddress) address;
        if (a.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
        return a;
    }

    public void bind(SocketAddress local) throws IOException {
        ensureOpen();
        InetSocketAddress a = inet(local);
        InetAddress ip = a.getAddress();
        int res = SocketNative.bind(fd, SockAddr.ipBytes(ip, ipv6), SockAddr.scopeId(ip), a.getPort());
        if (res < 0) {
            IOException e = Errors.newIoException("bind", res);
            if (e instanceof dev.customtransport.NativeIoException && -res == Errno.EADDRINUSE) {
                java.net.BindException be = new java.net.BindException(e.getMessage() + " (" + a + ')');
                be.initCause(e);
                throw be;
            }
            throw e;
        }
    }

    public void listen(int backlog) throws IOException {
        ensureOpen();
        Errors.check("listen", SocketNative.listen(fd, backlog));
    }

    /** True when connected at once; false while the connect is in progress (finish it with finishConnect). */
    public boolean connect(SocketAddress remote) throws Exception {
        ensureOpen();
        InetSocketAddress a = inet(remote);
        InetAddress ip = a.getAddress();
        int res = SocketNative.connect(fd, SockAddr.ipBytes(ip, ipv6), SockAddr.scopeId(ip), a.getPort());
        if (res == 0) {
            return true;
        }
        if (res == -Errno.EINPROGRESS) {
            return false;
        }
        throw Errors.newConnectException("connect", res);
    }

    /**
     * Connects with TCP fast open, offering {@code length} bytes at {@code address} for the SYN: the bytes taken
     * (the connect then completes in the background), or -1 when none were and the connect is in progress.
     */
    public int connectFastOpen(SocketAddress remote, long address, int length) throws Exception {
        ensureOpen();
        InetSocketAddress a = inet(remote);
        InetAddress ip = a.getAddress();
        int res = SocketNative.sendFastOpen(fd, SockAddr.ipBytes(ip, ipv6), SockAddr.scopeId(ip), a.getPort(),
                address, length);
        if (res >= 0) {
            return res;
        }
        if (res == -Errno.EINPROGRESS) {
            return -1;
        }
        throw Errors.newConnectException("sendto(MSG_FASTOPEN)", res);
    }

    /** True once the pending connect completed; throws what it failed with. */
    public boolean finishConnect() throws IOException {
        ensureOpen();
        int res = SocketNative.finishConnect(fd);
        if (res == 0) {
            return true;
        }
        if (res == -Errno.EINPROGRESS || res == -Errno.EALREADY) {
            return false;
        }
        throw Errors.newIoException("finishConnect", res);
    }

    /** The accepted fd, or -1 when there is none right now; the peer address is written to {@code addr}. */
    public int accept(byte[] addr) throws IOException {
        int res = SocketNative.accept(fd, addr);
        if (res >= 0) {
            return res;
        }
        if (Errors.isWouldBlock(res)) {
            return -1;
        }
        throw Errors.newIoException("accept", res);
    }

    public InetSocketAddress localAddress() {
        byte[] buf = new byte[SocketNative.ADDRESS_BUFFER_SIZE];
        int len = isOpen() ? SocketNative.localAddress(fd, buf) : -1;
        return len < 0 ? null : SockAddr.decodeInet(buf, len);
    }

    public InetSocketAddress remoteAddress() {
        byte[] buf = new byte[SocketNative.ADDRESS_BUFFER_SIZE];
        int len = isOpen() ? SocketNative.remoteAddress(fd, buf) : -1;
        return len < 0 ? null : SockAddr.decodeInet(buf, len);
    }

    /** Bytes read; 0 when nothing is there right now; -1 at end of stream. */
    public int read(long address, int length) throws IOException {
        int res = SocketNative.read(fd, address, length);
        if (res > 0) {
            return res;
        }
        if (res == 0) {
            return -1;
        }
        return Errors.ioResult("read", res);
    }

    /** Bytes written; 0 when the socket buffer is full. */
    public int write(long address, int length) throws IOException {
        return Errors.ioResult("write", SocketNative.write(fd, address, length));
    }

    /** Bytes written; 0 when the socket buffer is full. */
    public long writev(long iovAddress, int count) throws IOException {
        return Errors.ioResult("writev", SocketNative.writev(fd, iovAddress, count));
    }

    /** {@link #sendFile}: the file ended before the region did (it shrank). */
    public static final long SENDFILE_END_OF_FILE = -1;
    /** {@link #sendFile}: the region's FileChannel has no descriptor (a zip file system's): use transferTo. */
    public static final long SENDFILE_NO_DESCRIPTOR = -2;

    /**
     * sendfile(2) from the region's file at {@code offset}: bytes sent, 0 when the socket buffer is full,
     * {@link #SENDFILE_END_OF_FILE} or {@link #SENDFILE_NO_DESCRIPTOR}; other failures are thrown.
     */
    public long sendFile(DefaultFileRegion region, long offset, long count) throws IOException {
        long res = SocketNative.sendFile(fd, region, offset, count);
        if (res == 0) {
            return SENDFILE_END_OF_FILE;
        }
        if (res == -Errno.EOPNOTSUPP) {
            return SENDFILE_NO_DESCRIPTOR;
        }
        return Errors.ioResult("sendfile", res);
    }

    /** The native address of a direct buffer's memory (its position not added). */
    public static long address(java.nio.ByteBuffer direct) {
        long a = SocketNative.bufferAddress(direct);
        if (a == 0) {
            throw new IllegalArgumentException("not a direct buffer: " + direct);
        }
        return a;
    }

    /** The value of a native option; a failure names the option and the errno. */
    public int getOption(String name, int option) {
        long res = isOpen() ? SocketNative.getOption(fd, option) : -Errno.EBADF;
        if (res < 0) {
            throw new ChannelException("getsockopt(" + name + ") failed: " + errnoText((int) -res));
        }
        return (int) res;
    }

    public void setOption(String name, int option, int value) {
        int res = isOpen() ? SocketNative.setOption(fd, option, value) : -Errno.EBADF;
        if (res < 0) {
            throw new ChannelException("setsockopt(" + name + ", " + value + ") failed: " + errnoText(-res));
        }
    }

    public boolean getBooleanOption(String name, int option) {
        return getOption(name, option) != 0;
    }

    public void setBooleanOption(String name, int option, boolean value) {
        setOption(name, option, value ? 1 : 0);
    }

    public int getRawOption(int level, int optname) {
        long res = isOpen() ? SocketNative.getRawIntOption(fd, level, optname) : -Errno.EBADF;
        if (res < 0) {
            throw new ChannelException("getsockopt(level " + level + ", optname " + optname + ") failed: "
                    + errnoText((int) -res));
        }
        return (int) res;
    }

    public void setRawOption(int level, int optname, int value) {
        int res = isOpen() ? SocketNative.setRawIntOption(fd, level, optname, value) : -Errno.EBADF;
        if (res < 0) {
            throw new ChannelException("setsockopt(level " + level + ", optname " + optname + ", " + value
                    + ") failed: " + errnoText(-res));
        }
    }

    static String errnoText(int errno) {
        return Errors.errnoText(errno);
    }

    @Override
    public String toString() {
        return "SocketFd(" + fd + (isOpen() ? "" : ", closed") + ')';
    }
}

package dev.customtransport.internal;

import java.nio.ByteBuffer;

/**
 * The socket natives ({@code src/main/c/socket.c} and the per-OS {@code sockopt_*.c}). Every method is one
 * syscall (or one batch syscall) on primitive arguments and returns its result or {@code -errno}.
 *
 * <p>Inet addresses cross the boundary as {@code byte[]} of 4 (IPv4) or 16 (IPv6) bytes plus scope id and port;
 * an IPv4 address meant for an IPv6 socket is passed in its 16-byte mapped form. Addresses coming back are written
 * into a caller-owned {@code byte[]} (at least {@link #ADDRESS_BUFFER_SIZE} bytes) as:
 * <pre>
 *   inet:  [0] = 4 or 6, [1..2] = port (big endian), [3..6] = scope id (big endian), [7..] = 4 or 16 address bytes
 *   unix:  [0] = 1, [1..] = the sun_path bytes actually used (abstract names start with 0; may be empty)
 * </pre>
 * and the call returns the number of bytes written.
 */
final class SocketNative {
    private SocketNative() { }

    static final int ADDRESS_BUFFER_SIZE = 128;

    static final int DOMAIN_UNIX = 1;
    static final int DOMAIN_INET = 4;
    static final int DOMAIN_INET6 = 6;
    static final int TYPE_STREAM = 1;
    static final int TYPE_DGRAM = 2;

    // Option ids for getOption/setOption. The per-OS C file maps each to its (level, optname); an option the
    // platform lacks returns -ENOPROTOOPT. SO_LINGER takes/returns seconds, or -1 for off.
    static final int SO_RCVBUF = 1;
    static final int SO_SNDBUF = 2;
    static final int SO_REUSEADDR = 3;
    static final int SO_REUSEPORT = 4;
    static final int SO_KEEPALIVE = 5;
    static final int SO_LINGER = 6;
    static final int SO_BROADCAST = 7;
    static final int TCP_NODELAY = 8;
    static final int IP_TOS = 9;
    static final int IPV6_TCLASS = 10;
    static final int TCP_CORK = 11;
    static final int TCP_QUICKACK = 12;
    static final int TCP_KEEPIDLE = 13;
    static final int TCP_KEEPINTVL = 14;
    static final int TCP_KEEPCNT = 15;
    static final int TCP_USER_TIMEOUT = 16;
    static final int TCP_NOTSENT_LOWAT = 17;
    static final int TCP_DEFER_ACCEPT = 18;
    static final int TCP_FASTOPEN = 19;
    static final int IP_TRANSPARENT = 20;
    static final int IP_FREEBIND = 21;
    static final int IP_BIND_ADDRESS_NO_PORT = 22;
    static final int SO_BUSY_POLL = 23;
    static final int SO_ERROR = 24;
    static final int SO_DOMAIN = 25;
    static final int SO_TYPE = 26;
    static final int SO_RCVLOWAT = 27;
    static final int IP_MULTICAST_ALL = 28;
    static final int IPV6_MULTICAST_ALL = 29;
    static final int IP_MULTICAST_LOOP = 30;
    static final int IPV6_MULTICAST_LOOP = 31;
    static final int IP_MULTICAST_TTL = 32;
    static final int IPV6_MULTICAST_HOPS = 33;
    static final int IPV6_MULTICAST_IF = 34;
    static final int IP_RECVORIGDSTADDR = 35;
    static final int IPV6_RECVORIGDSTADDR = 36;
    static final int UDP_GRO = 37;
    static final int UDP_SEGMENT = 38;
    static final int IP_TTL = 39;
    static final int SO_PASSCRED = 40;
    static final int TCP_FASTOPEN_CONNECT = 41;
    static final int OPTION_COUNT = 42;

    // Indexes into the array filled by limits(int[]).
    static final int L_IOV_MAX = 0;
    static final int L_SIZEOF_IOVEC = 1;
    static final int L_SUN_PATH_SIZE = 2;
    static final int L_SOMAXCONN = 3;      // the compile-time SOMAXCONN; the sysctl is read from Java
    static final int L_COUNT = 4;

    /** Fills {@code out[0 .. L_COUNT)}; side-effect free. */
    static native void limits(int[] out);

    /** socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) with the DOMAIN_ and TYPE_ codes above. */
    static native int socket(int domain, int type);

    static native int bind(int fd, byte[] ip, int scopeId, int port);

    static native int bindUnix(int fd, byte[] path);

    static native int listen(int fd, int backlog);

    /** connect(2): 0 when connected at once, -EINPROGRESS while pending. */
    static native int connect(int fd, byte[] ip, int scopeId, int port);

    static native int connectUnix(int fd, byte[] path);

    /** sendto(MSG_FASTOPEN): bytes sent with the SYN, or -EINPROGRESS when none were (no cookie yet). */
    static native int sendFastOpen(int fd, byte[] ip, int scopeId, int port, long address, int length);

    /**
     * Reads SO_ERROR: {@code -error} if the connect failed, 0 once it succeeded (the socket has a peer),
     * -EINPROGRESS while the handshake still runs.
     */
    static native int finishConnect(int fd);

    /** accept4(fd, ..., SOCK_NONBLOCK | SOCK_CLOEXEC): the new fd, its peer address written to {@code addrOut}. */
    static native int accept(int fd, byte[] addrOut);

    /** getsockname into {@code out} (format above): bytes written or -errno. */
    static native int localAddress(int fd, byte[] out);

    /** getpeername into {@code out} (format above): bytes written or -errno. */
    static native int remoteAddress(int fd, byte[] out);

    /** recv(2) into native memory: bytes read, 0 at end of stream, or -errno. */
    static native int read(int fd, long address, int length);

    /** send(2) from native memory (MSG_NOSIGNAL where the OS has it). */
    static native int write(int fd, long address, int length);

    /** writev(2) over {@code count} struct iovec at {@code iovAddress}. */
    static native long writev(int fd, long iovAddress, int count);

    /**
     * sendfile(2) of {@code count} bytes from the file of {@code region} at file offset {@code offset}. The file
     * descriptor is read from the region's FileChannel (the caller has called {@code region.open()}); on success
     * the region's {@code transferred} counter is advanced. Bytes sent or -errno; -EBADF if the region's file is
     * closed, -EOPNOTSUPP if the JDK's FileChannel has no readable descriptor field. The region is typed
     * {@code Object} so that the registered signature survives a user relocating Netty's packages.
     */
    static native long sendFile(int outFd, Object region, long offset, long count);

    /**
     * recv(fd, 1 byte, MSG_PEEK | MSG_DONTWAIT): 1 if unread data is waiting, 0 at the end of the stream,
     * -errno otherwise (-EAGAIN: nothing yet). Takes nothing from the socket.
     */
    static native int peek(int fd);

    /** shutdown(2) of the read and/or write side. */
    static native int shutdown(int fd, boolean read, boolean write);

    /** close(2). EINTR is reported as success: on Linux the descriptor is released either way. */
    static native int close(int fd);

    /** getsockopt of an option id above: {@code value & 0xffffffffL}, or -errno. */
    static native long getOption(int fd, int option);

    /** setsockopt of an option id above. */
    static native int setOption(int fd, int option, int value);

    /** getsockopt(level, optname) of an int: {@code value & 0xffffffffL}, or -errno. */
    static native long getRawIntOption(int fd, int level, int optname);

    /** setsockopt(level, optname) of an int. */
    static native int setRawIntOption(int fd, int level, int optname, int value);

    /** The address of a direct buffer's memory (GetDirectBufferAddress), 0 if it has none. */
    static native long bufferAddress(ByteBuffer direct);
}

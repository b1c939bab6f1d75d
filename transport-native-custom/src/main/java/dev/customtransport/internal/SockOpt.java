package dev.customtransport.internal;

import io.netty.channel.ChannelException;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * The int-valued socket options behind the Linux channel options, by name, so that the channel layer can map a
 * {@link io.netty.channel.ChannelOption} to the kernel without knowing the native option ids. A refused value is
 * a {@link ChannelException} naming the option, the value and the errno (see {@link SocketFd#setOption}).
 */
public enum SockOpt {
    SO_REUSEPORT(SocketNative.SO_REUSEPORT),
    SO_BROADCAST(SocketNative.SO_BROADCAST),
    SO_BUSY_POLL(SocketNative.SO_BUSY_POLL),
    SO_PASSCRED(SocketNative.SO_PASSCRED),
    TCP_CORK(SocketNative.TCP_CORK),
    TCP_QUICKACK(SocketNative.TCP_QUICKACK),
    TCP_KEEPIDLE(SocketNative.TCP_KEEPIDLE),
    TCP_KEEPINTVL(SocketNative.TCP_KEEPINTVL),
    TCP_KEEPCNT(SocketNative.TCP_KEEPCNT),
    TCP_USER_TIMEOUT(SocketNative.TCP_USER_TIMEOUT),
    TCP_NOTSENT_LOWAT(SocketNative.TCP_NOTSENT_LOWAT),
    TCP_DEFER_ACCEPT(SocketNative.TCP_DEFER_ACCEPT),
    TCP_FASTOPEN(SocketNative.TCP_FASTOPEN),
    TCP_FASTOPEN_CONNECT(SocketNative.TCP_FASTOPEN_CONNECT),
    IP_TRANSPARENT(SocketNative.IP_TRANSPARENT),
    IP_FREEBIND(SocketNative.IP_FREEBIND),
    IP_BIND_ADDRESS_NO_PORT(SocketNative.IP_BIND_ADDRESS_NO_PORT),
    IP_MULTICAST_ALL(SocketNative.IP_MULTICAST_ALL),
    IPV6_MULTICAST_ALL(SocketNative.IPV6_MULTICAST_ALL),
    IP_MULTICAST_LOOP(SocketNative.IP_MULTICAST_LOOP),
    IPV6_MULTICAST_LOOP(SocketNative.IPV6_MULTICAST_LOOP),
    IP_MULTICAST_TTL(SocketNative.IP_MULTICAST_TTL),
    IPV6_MULTICAST_HOPS(SocketNative.IPV6_MULTICAST_HOPS),
    IP_RECVORIGDSTADDR(SocketNative.IP_RECVORIGDSTADDR),
    IPV6_RECVORIGDSTADDR(SocketNative.IPV6_RECVORIGDSTADDR),
    UDP_GRO(SocketNative.UDP_GRO),
    UDP_SEGMENT(SocketNative.UDP_SEGMENT);

    static {
        NativeLibrary.ensureLoaded();
    }

    private final int id;

    SockOpt(int id) {
        this.id = id;
    }

    public int get(SocketFd s) {
        return s.getOption(name(), id);
    }

    public boolean is(SocketFd s) {
        return get(s) != 0;
    }

    public void set(SocketFd s, int value) {
        if (this == UDP_GRO && value != 0 && !NativeFeatures.UDP_GRO) {
            // The kernel may have it, but this build's recvmsg cannot report the segment size of a coalesced
            // datagram, which would then reach the pipeline as one.
            throw Errors.unsupportedOption("setsockopt(UDP_GRO, " + value + ")", "UDP_GRO");
        }
        s.setOption(name(), id, value);
    }

    public void set(SocketFd s, boolean value) {
        set(s, value ? 1 : 0);
    }

    /** Sets it, returning false instead of throwing when the kernel refuses (for best-effort companions). */
    public boolean trySet(SocketFd s, int value) {
        if (this == UDP_GRO && value != 0 && !NativeFeatures.UDP_GRO) {
            return false;
        }
        return s.isOpen() && SocketNative.setOption(s.intValue(), id, value) == 0;
    }

    /** Whether the kernel knows this option for a socket of the given kind (probed on a throwaway socket). */
    public static boolean isSupported(SockOpt option, int domain, int type) {
        int fd = SocketNative.socket(domain, type);
        if (fd < 0) {
            return false;
        }
        try {
            return SocketNative.getOption(fd, option.id) >= 0;
        } finally {
            SocketNative.close(fd);
        }
    }

    /** UDP_SEGMENT (GSO) can be used: this build's natives send it and this kernel knows it. */
    public static boolean isUdpSegmentSupported() {
        return NativeFeatures.UDP_SEGMENT && isSupported(UDP_SEGMENT, SocketNative.DOMAIN_INET, SocketNative.TYPE_DGRAM);
    }

    // --- options whose values are not ints ---------------------------------------------------------------------

    /** getsockopt(level, optname) of {@code out.remaining()} bytes into a direct buffer (its limit set to what came). */
    public static void getRaw(SocketFd s, int level, int optname, ByteBuffer out) {
        ByteBuffer direct = out.isDirect() ? out : ByteBuffer.allocateDirect(out.remaining());
        int res = s.isOpen() ? KernelNative.getRawOption(s.intValue(), level, optname,
                SocketFd.address(direct) + direct.position(), direct.remaining()) : -Errno.EBADF;
        if (res < 0) {
            throw new ChannelException("getsockopt(level " + level + ", optname " + optname + ") failed: "
                    + SocketFd.errnoText(-res));
        }
        if (direct != out) {
            ByteBuffer src = direct.duplicate();
            src.limit(src.position() + res);
            out.duplicate().put(src);
        }
        out.limit(out.position() + res);
    }

    /** setsockopt(level, optname) of the remaining bytes of {@code value}. */
    public static void setRaw(SocketFd s, int level, int optname, ByteBuffer value) {
        ByteBuffer direct = value;
        if (!value.isDirect()) {
            direct = ByteBuffer.allocateDirect(value.remaining());
            direct.put(value.duplicate()).flip();
        }
        int res = s.isOpen() ? KernelNative.setRawOption(s.intValue(), level, optname,
                SocketFd.address(direct) + direct.position(), direct.remaining()) : -Errno.EBADF;
        if (res < 0) {
            throw new ChannelException("setsockopt(level " + level + ", optname " + optname + ", "
                    + value.remaining() + " bytes) failed: " + SocketFd.errnoText(-res));
        }
    }

    /** TCP_INFO's fields, in {@code CustomTcpInfo}'s order, into {@code out[32]}. */
    public static void tcpInfo(SocketFd s, long[] out) {
        if (!NativeFeatures.TCP_INFO) {
            throw Errors.unsupported("TCP_INFO");
        }
        int res = s.isOpen() ? KernelNative.tcpInfo(s.intValue(), out) : -Errno.EBADF;
        if (res < 0) {
            throw new ChannelException("getsockopt(TCP_INFO) failed: " + SocketFd.errnoText(-res));
        }
    }

    /** TCP_MD5SIG for one peer; a null key removes it. */
    public static void setTcpMd5Sig(SocketFd s, InetAddress peer, byte[] key) {
        if (!NativeFeatures.TCP_MD5SIG) {
            throw Errors.unsupportedOption("setsockopt(TCP_MD5SIG, " + peer + ")", "TCP_MD5SIG");
        }
        if (key != null && key.length > NativeFeatures.TCP_MD5SIG_MAXKEYLEN) {
            throw new IllegalArgumentException("TCP_MD5SIG key for " + peer + " is " + key.length
                    + " bytes (at most " + NativeFeatures.TCP_MD5SIG_MAXKEYLEN + ')');
        }
        int res = KernelNative.setTcpMd5Sig(s.intValue(), SockAddr.ipBytes(peer, s.isIpv6()), SockAddr.scopeId(peer),
                key);
        if (res < 0) {
            throw new ChannelException("setsockopt(TCP_MD5SIG, " + peer + ") failed: " + SocketFd.errnoText(-res));
        }
    }
}

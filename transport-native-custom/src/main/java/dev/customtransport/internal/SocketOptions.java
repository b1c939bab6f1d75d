package dev.customtransport.internal;

/**
 * The socket options channels configure, in one place so that every channel type maps an option to the kernel
 * the same way. Failures are {@link io.netty.channel.ChannelException}s naming the option, value and errno.
 */
public final class SocketOptions {
    private SocketOptions() { }

    public static int receiveBufferSize(SocketFd s) {
        return s.getOption("SO_RCVBUF", SocketNative.SO_RCVBUF);
    }

    public static void setReceiveBufferSize(SocketFd s, int size) {
        checkNonNegative("SO_RCVBUF", size);
        s.setOption("SO_RCVBUF", SocketNative.SO_RCVBUF, size);
    }

    public static int sendBufferSize(SocketFd s) {
        return s.getOption("SO_SNDBUF", SocketNative.SO_SNDBUF);
    }

    public static void setSendBufferSize(SocketFd s, int size) {
        checkNonNegative("SO_SNDBUF", size);
        s.setOption("SO_SNDBUF", SocketNative.SO_SNDBUF, size);
    }

    public static boolean tcpNoDelay(SocketFd s) {
        return s.getBooleanOption("TCP_NODELAY", SocketNative.TCP_NODELAY);
    }

    public static void setTcpNoDelay(SocketFd s, boolean on) {
        s.setBooleanOption("TCP_NODELAY", SocketNative.TCP_NODELAY, on);
    }

    public static boolean keepAlive(SocketFd s) {
        return s.getBooleanOption("SO_KEEPALIVE", SocketNative.SO_KEEPALIVE);
    }

    public static void setKeepAlive(SocketFd s, boolean on) {
        s.setBooleanOption("SO_KEEPALIVE", SocketNative.SO_KEEPALIVE, on);
    }

    public static boolean reuseAddress(SocketFd s) {
        return s.getBooleanOption("SO_REUSEADDR", SocketNative.SO_REUSEADDR);
    }

    public static void setReuseAddress(SocketFd s, boolean on) {
        s.setBooleanOption("SO_REUSEADDR", SocketNative.SO_REUSEADDR, on);
    }

    public static boolean reusePort(SocketFd s) {
        return s.getBooleanOption("SO_REUSEPORT", SocketNative.SO_REUSEPORT);
    }

    public static void setReusePort(SocketFd s, boolean on) {
        s.setBooleanOption("SO_REUSEPORT", SocketNative.SO_REUSEPORT, on);
    }

    /** Seconds, or -1 when lingering is off (as {@code ChannelOption.SO_LINGER} defines it). */
    public static int soLinger(SocketFd s) {
        return s.getOption("SO_LINGER", SocketNative.SO_LINGER);
    }

    public static void setSoLinger(SocketFd s, int seconds) {
        // Negative means off, as for java.net.Socket.
        s.setOption("SO_LINGER", SocketNative.SO_LINGER, seconds < 0 ? -1 : seconds);
    }

    public static int trafficClass(SocketFd s) {
        return s.isIpv6() ? s.getOption("IPV6_TCLASS", SocketNative.IPV6_TCLASS)
                : s.getOption("IP_TOS", SocketNative.IP_TOS);
    }

    public static void setTrafficClass(SocketFd s, int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("IP_TOS: " + value + " (expected: 0-255)");
        }
        if (s.isIpv6()) {
            s.setOption("IPV6_TCLASS", SocketNative.IPV6_TCLASS, value);
            // Traffic to IPv4 peers over a dual-stack socket uses IP_TOS; the kernel may refuse it for a socket
            // already talking IPv6, which is fine.
            if (SocketNative.setOption(s.intValue(), SocketNative.IP_TOS, value) < 0) {
                return;
            }
        } else {
            s.setOption("IP_TOS", SocketNative.IP_TOS, value);
        }
    }

    private static void checkNonNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
        }
    }
}

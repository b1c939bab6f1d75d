package dev.customtransport;

import dev.customtransport.internal.SockOpt;
import dev.customtransport.internal.SocketFd;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.RawUnixChannelOption;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The Linux options of one channel ({@link CustomChannelOption}'s, and Netty's generic
 * {@link IntegerUnixChannelOption} / {@link RawUnixChannelOption}), mapped to the kernel for the channel's kind. The
 * configs ask it first: {@link #get} answers {@link #UNHANDLED} and {@link #set} false for an option that is not
 * one of its kind's, and the config carries on with its own.
 */
final class KernelOptions {
    /** What {@link #get} returns for an option it does not handle. */
    static final Object UNHANDLED = new Object();

    enum Kind { TCP, TCP_SERVER, UDP, UNIX }

    private static final ChannelOption<?>[] TCP_LISTED = {
        CustomChannelOption.TCP_CORK, CustomChannelOption.TCP_NOTSENT_LOWAT, CustomChannelOption.TCP_KEEPIDLE,
        CustomChannelOption.TCP_KEEPINTVL, CustomChannelOption.TCP_KEEPCNT, CustomChannelOption.TCP_QUICKACK,
        CustomChannelOption.IP_BIND_ADDRESS_NO_PORT, CustomChannelOption.IP_TRANSPARENT,
        CustomChannelOption.SO_BUSY_POLL,
    };
    private static final ChannelOption<?>[] TCP_SERVER_LISTED = {
        CustomChannelOption.IP_FREEBIND, CustomChannelOption.IP_TRANSPARENT, CustomChannelOption.TCP_DEFER_ACCEPT,
        CustomChannelOption.TCP_FASTOPEN,
    };
    private static final ChannelOption<?>[] UDP_LISTED = {
        CustomChannelOption.SO_REUSEPORT, CustomChannelOption.IP_FREEBIND, CustomChannelOption.IP_TRANSPARENT,
        CustomChannelOption.IP_RECVORIGDSTADDR, CustomChannelOption.IP_MULTICAST_ALL, CustomChannelOption.UDP_GRO,
    };
    private static final ChannelOption<?>[] NONE = {};

    private final SocketFd socket;
    private final Kind kind;
    private volatile Map<InetAddress, byte[]> md5Keys = Collections.emptyMap();

    KernelOptions(SocketFd socket, Kind kind) {
        this.socket = socket;
        this.kind = kind;
    }

    /** The options {@code getOptions()} lists for this kind. */
    ChannelOption<?>[] listed() {
        switch (kind) {
            case TCP: return TCP_LISTED;
            case TCP_SERVER: return TCP_SERVER_LISTED;
            case UDP: return UDP_LISTED;
            default: return NONE;
        }
    }

    /** The kernel's counterpart of {@code option}, if this kind has it; a boolean option answers a Boolean. */
    private SockOpt map(ChannelOption<?> option) {
        if (kind == Kind.TCP) {
            if (option == CustomChannelOption.TCP_CORK) { return SockOpt.TCP_CORK; }
            if (option == CustomChannelOption.TCP_QUICKACK) { return SockOpt.TCP_QUICKACK; }
            if (option == CustomChannelOption.TCP_KEEPIDLE) { return SockOpt.TCP_KEEPIDLE; }
            if (option == CustomChannelOption.TCP_KEEPINTVL) { return SockOpt.TCP_KEEPINTVL; }
            if (option == CustomChannelOption.TCP_KEEPCNT) { return SockOpt.TCP_KEEPCNT; }
            if (option == CustomChannelOption.TCP_USER_TIMEOUT) { return SockOpt.TCP_USER_TIMEOUT; }
            if (option == CustomChannelOption.TCP_NOTSENT_LOWAT) { return SockOpt.TCP_NOTSENT_LOWAT; }
            if (option == CustomChannelOption.IP_BIND_ADDRESS_NO_PORT) { return SockOpt.IP_BIND_ADDRESS_NO_PORT; }
            if (option == CustomChannelOption.IP_TRANSPARENT) { return SockOpt.IP_TRANSPARENT; }
            if (option == CustomChannelOption.SO_BUSY_POLL) { return SockOpt.SO_BUSY_POLL; }
        } else if (kind == Kind.TCP_SERVER) {
            if (option == CustomChannelOption.IP_FREEBIND) { return SockOpt.IP_FREEBIND; }
            if (option == CustomChannelOption.IP_TRANSPARENT) { return SockOpt.IP_TRANSPARENT; }
            if (option == CustomChannelOption.TCP_DEFER_ACCEPT) { return SockOpt.TCP_DEFER_ACCEPT; }
            if (option == CustomChannelOption.TCP_FASTOPEN) { return SockOpt.TCP_FASTOPEN; }
        } else if (kind == Kind.UDP) {
            if (option == CustomChannelOption.SO_REUSEPORT) { return SockOpt.SO_REUSEPORT; }
            if (option == CustomChannelOption.IP_FREEBIND) { return SockOpt.IP_FREEBIND; }
            if (option == CustomChannelOption.IP_TRANSPARENT) { return SockOpt.IP_TRANSPARENT; }
            if (option == CustomChannelOption.IP_RECVORIGDSTADDR) { return SockOpt.IP_RECVORIGDSTADDR; }
            if (option == CustomChannelOption.IP_MULTICAST_ALL) { return SockOpt.IP_MULTICAST_ALL; }
            if (option == CustomChannelOption.UDP_GRO) { return SockOpt.UDP_GRO; }
        }
        return null;
    }

    /** True for the raw options, which may set any socket option (including those a config keeps track of). */
    static boolean isRaw(ChannelOption<?> option) {
        return option instanceof IntegerUnixChannelOption || option instanceof RawUnixChannelOption;
    }

    Object get(ChannelOption<?> option) {
        if (option instanceof IntegerUnixChannelOption) {
            IntegerUnixChannelOption o = (IntegerUnixChannelOption) option;
            return socket.getRawOption(o.level(), o.optname());
        }
        if (option instanceof RawUnixChannelOption) {
            RawUnixChannelOption o = (RawUnixChannelOption) option;
            ByteBuffer out = ByteBuffer.allocateDirect(o.length());
            SockOpt.getRaw(socket, o.level(), o.optname(), out);
            return out;
        }
        if (option == CustomChannelOption.TCP_MD5SIG && (kind == Kind.TCP || kind == Kind.TCP_SERVER)) {
            return md5Keys;
        }
        SockOpt opt = map(option);
        if (opt == null) {
            return UNHANDLED;
        }
        int v = opt.get(socket);
        if (opt == SockOpt.TCP_NOTSENT_LOWAT) {
            return (long) v & 0xffffffffL;
        }
        if (isBoolean(option)) {
            return v != 0;
        }
        return v;
    }

    private static boolean isBoolean(ChannelOption<?> option) {
        return option == CustomChannelOption.TCP_CORK || option == CustomChannelOption.TCP_QUICKACK
                || option == CustomChannelOption.IP_BIND_ADDRESS_NO_PORT || option == CustomChannelOption.IP_TRANSPARENT
                || option == CustomChannelOption.IP_FREEBIND || option == CustomChannelOption.SO_REUSEPORT
                || option == CustomChannelOption.IP_RECVORIGDSTADDR || option == CustomChannelOption.IP_MULTICAST_ALL
                || option == CustomChannelOption.UDP_GRO;
    }

    @SuppressWarnings("unchecked")
    boolean set(ChannelOption<?> option, Object value) {
        if (option instanceof IntegerUnixChannelOption) {
            IntegerUnixChannelOption o = (IntegerUnixChannelOption) option;
            socket.setRawOption(o.level(), o.optname(), (Integer) value);
            return true;
        }
        if (option instanceof RawUnixChannelOption) {
            RawUnixChannelOption o = (RawUnixChannelOption) option;
            SockOpt.setRaw(socket, o.level(), o.optname(), (ByteBuffer) value);
            return true;
        }
        if (option == CustomChannelOption.TCP_MD5SIG && (kind == Kind.TCP || kind == Kind.TCP_SERVER)) {
            setTcpMd5Sig((Map<InetAddress, byte[]>) value);
            return true;
        }
        SockOpt opt = map(option);
        if (opt == null) {
            return false;
        }
        int v;
        if (value instanceof Boolean) {
            v = (Boolean) value ? 1 : 0;
        } else if (value instanceof Long) {
            long l = (Long) value;
            if (l < 0 || l > 0xffffffffL) {
                throw new IllegalArgumentException(opt + ": " + l + " (expected: 0-4294967295)");
            }
            v = (int) l;
        } else {
            v = (Integer) value;
            if (v < 0 && opt != SockOpt.TCP_FASTOPEN) {
                throw new IllegalArgumentException(opt + ": " + v + " (expected: >= 0)");
            }
        }
        opt.set(socket, v);
        if (opt == SockOpt.TCP_FASTOPEN) {
            TcpFastOpen.serverRequested(v);
        }
        if (kind == Kind.UDP && socket.isIpv6()) {
            // The IPv6 twin, so that both families behave the same on a dual-stack socket.
            if (opt == SockOpt.IP_MULTICAST_ALL) {
                SockOpt.IPV6_MULTICAST_ALL.set(socket, v);
            } else if (opt == SockOpt.IP_RECVORIGDSTADDR) {
                SockOpt.IPV6_RECVORIGDSTADDR.set(socket, v);
            }
        }
        return true;
    }

    /** Installs the new keys and removes the peers that had one before and have none now. */
    private void setTcpMd5Sig(Map<InetAddress, byte[]> keys) {
        Map<InetAddress, byte[]> next = keys == null ? Collections.emptyMap() : new HashMap<>(keys);
        for (Map.Entry<InetAddress, byte[]> e : next.entrySet()) {
            if (e.getKey() == null || e.getValue() == null || e.getValue().length == 0) {
                throw new IllegalArgumentException("TCP_MD5SIG: a null address or an empty key: " + e.getKey());
            }
            SockOpt.setTcpMd5Sig(socket, e.getKey(), e.getValue());
        }
        for (InetAddress old : md5Keys.keySet()) {
            if (!next.containsKey(old)) {
                SockOpt.setTcpMd5Sig(socket, old, null);
            }
        }
        md5Keys = Collections.unmodifiableMap(next);
    }
}

package dev.customtransport.internal;

import io.netty.channel.ChannelException;
import io.netty.channel.socket.SocketProtocolFamily;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Enumeration;

/** UDP sockets: creation by family, disconnecting, multicast membership and the multicast interface. */
public final class DatagramSockets {
    static {
        NativeLibrary.ensureLoaded();
    }

    private DatagramSockets() { }

    /** A non-blocking UDP socket: IPv4 for INET, otherwise dual-stack IPv6 where the machine has it. */
    public static SocketFd newDatagram(SocketProtocolFamily family) {
        boolean ipv6 = family == SocketProtocolFamily.INET6 || family == null && SocketFd.IPV6;
        if (family == SocketProtocolFamily.UNIX) {
            throw new IllegalArgumentException("UNIX: use CustomDomainDatagramChannel");
        }
        int res = SocketNative.socket(ipv6 ? SocketNative.DOMAIN_INET6 : SocketNative.DOMAIN_INET,
                SocketNative.TYPE_DGRAM);
        if (res < 0) {
            throw new ChannelException(Errors.newIoException("socket", res));
        }
        return new SocketFd(res, ipv6);
    }

    /**
     * Whether {@code fd} is an AF_INET6 socket (for wrapping an existing descriptor). Asked through getsockname,
     * which names the family even before bind, rather than SO_DOMAIN: macOS has no SO_DOMAIN, and AF_INET6's
     * number differs between the OSes (10 on Linux, 28 on FreeBSD, 30 on macOS).
     */
    public static boolean isIpv6(int fd) {
        byte[] buf = new byte[SocketNative.ADDRESS_BUFFER_SIZE];
        return SocketNative.localAddress(fd, buf) > 0 && buf[0] == SocketNative.DOMAIN_INET6;
    }

    public static void disconnect(SocketFd socket) throws IOException {
        Errors.check("disconnect", DatagramNative.disconnect(socket.intValue()));
    }

    /** Joins or leaves {@code group} (with {@code source}: source-specific) on {@code iface} (null: by route). */
    public static void membership(SocketFd socket, boolean join, InetAddress group, NetworkInterface iface,
                                  InetAddress source) throws IOException {
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException("not a multicast address: " + group);
        }
        if (source != null && source.getAddress().length != group.getAddress().length) {
            throw new IllegalArgumentException("source " + source + " and group " + group + " differ in family");
        }
        if (!socket.isIpv6() && group instanceof Inet6Address) {
            throw new IOException("an IPv6 group (" + group + ") on an IPv4 socket");
        }
        int res = DatagramNative.membership(socket.intValue(), join, group.getAddress(),
                source == null ? null : source.getAddress(), iface == null ? 0 : iface.getIndex());
        if (res < 0) {
            throw Errors.newIoException((join ? "join " : "leave ") + group + (source == null ? "" : " from " + source)
                    + (iface == null ? "" : " on " + iface.getName()), res);
        }
    }

    /** The outgoing interface of multicast: IP_MULTICAST_IF (and IPV6_MULTICAST_IF on an IPv6 socket). */
    public static void setMulticastInterface(SocketFd socket, NetworkInterface iface) {
        Inet4Address v4 = firstInet4(iface);
        int v4res = DatagramNative.setMulticastIf4(socket.intValue(), v4 == null ? null : v4.getAddress(),
                iface.getIndex());
        if (socket.isIpv6()) {
            socket.setOption("IPV6_MULTICAST_IF", SocketNative.IPV6_MULTICAST_IF, iface.getIndex());
            // IPv4 groups over the dual-stack socket use IP_MULTICAST_IF; the kernel may refuse it, which only
            // matters to IPv4 groups.
        } else if (v4res < 0) {
            throw new ChannelException("setsockopt(IP_MULTICAST_IF, " + iface.getName() + ") failed: "
                    + SocketFd.errnoText(-v4res));
        }
    }

    /** The outgoing interface of IPv4 multicast by address. */
    public static void setMulticastInterface(SocketFd socket, InetAddress address) {
        if (socket.isIpv6() || !(address instanceof Inet4Address)) {
            NetworkInterface iface;
            try {
                iface = NetworkInterface.getByInetAddress(address);
            } catch (SocketException e) {
                throw new ChannelException(e);
            }
            if (iface == null) {
                throw new ChannelException("IP_MULTICAST_IF: no interface has the address " + address);
            }
            setMulticastInterface(socket, iface);
            return;
        }
        int res = DatagramNative.setMulticastIf4(socket.intValue(), address.getAddress(), 0);
        if (res < 0) {
            throw new ChannelException("setsockopt(IP_MULTICAST_IF, " + address + ") failed: "
                    + SocketFd.errnoText(-res));
        }
    }

    /** The multicast interface, null when the kernel picks it by route. */
    public static NetworkInterface multicastInterface(SocketFd socket) {
        try {
            if (socket.isIpv6()) {
                int index = socket.getOption("IPV6_MULTICAST_IF", SocketNative.IPV6_MULTICAST_IF);
                if (index != 0) {
                    return NetworkInterface.getByIndex(index);
                }
            }
            InetAddress a = multicastInterfaceAddress4(socket);
            return a == null ? null : NetworkInterface.getByInetAddress(a);
        } catch (SocketException e) {
            throw new ChannelException(e);
        }
    }

    /** An address of the multicast interface, null when the kernel picks it by route. */
    public static InetAddress multicastInterfaceAddress(SocketFd socket) {
        if (socket.isIpv6()) {
            NetworkInterface iface = multicastInterface(socket);
            if (iface == null) {
                return null;
            }
            Enumeration<InetAddress> addresses = iface.getInetAddresses();
            return addresses.hasMoreElements() ? addresses.nextElement() : null;
        }
        return multicastInterfaceAddress4(socket);
    }

    private static InetAddress multicastInterfaceAddress4(SocketFd socket) {
        byte[] out = new byte[4];
        int res = DatagramNative.getMulticastIf4(socket.intValue(), out);
        if (res < 0) {
            throw new ChannelException("getsockopt(IP_MULTICAST_IF) failed: " + SocketFd.errnoText(-res));
        }
        if (out[0] == 0 && out[1] == 0 && out[2] == 0 && out[3] == 0) {
            return null;
        }
        try {
            return InetAddress.getByAddress(out);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Inet4Address firstInet4(NetworkInterface iface) {
        Enumeration<InetAddress> addresses = iface.getInetAddresses();
        while (addresses.hasMoreElements()) {
            InetAddress a = addresses.nextElement();
            if (a instanceof Inet4Address) {
                return (Inet4Address) a;
            }
        }
        return null;
    }
}

package dev.customtransport;

import dev.customtransport.internal.DatagramSockets;
import dev.customtransport.internal.SockOpt;
import dev.customtransport.internal.SocketFd;
import dev.customtransport.internal.SocketOptions;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramChannelConfig;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Map;

/**
 * The configuration of a {@link CustomDatagramChannel}. Socket options go straight to the kernel; on a dual-stack
 * IPv6 socket the multicast options are set for both families. {@code IP_MULTICAST_TTL} is the multicast TTL
 * (IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS), as in NIO; Netty's epoll transport maps it to the unicast IP_TTL.
 */
public final class CustomDatagramChannelConfig extends CustomChannelConfig implements DatagramChannelConfig {
    private final SocketFd socket;
    private final KernelOptions linux;
    private volatile boolean activeOnOpen;
    private volatile int maxDatagramPayloadSize;

    CustomDatagramChannelConfig(CustomDatagramChannel channel, SocketFd socket) {
        super(channel, new FixedRecvByteBufAllocator(2048));
        this.socket = socket;
        this.linux = new KernelOptions(socket, KernelOptions.Kind.UDP);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(getOptions(super.getOptions(), ChannelOption.SO_BROADCAST, ChannelOption.SO_RCVBUF,
                ChannelOption.SO_SNDBUF, ChannelOption.SO_REUSEADDR, ChannelOption.IP_MULTICAST_LOOP_DISABLED,
                ChannelOption.IP_MULTICAST_ADDR, ChannelOption.IP_MULTICAST_IF, ChannelOption.IP_MULTICAST_TTL,
                ChannelOption.IP_TOS, ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION,
                CustomChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE), linux.listed());
    }

    @Override
    @SuppressWarnings({ "unchecked", "deprecation" })
    public <T> T getOption(ChannelOption<T> option) {
        Object linuxValue = linux.get(option);
        if (linuxValue != KernelOptions.UNHANDLED) {
            return (T) linuxValue;
        }
        if (option == ChannelOption.SO_BROADCAST) {
            return (T) Boolean.valueOf(isBroadcast());
        }
        if (option == ChannelOption.SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        if (option == ChannelOption.SO_SNDBUF) {
            return (T) Integer.valueOf(getSendBufferSize());
        }
        if (option == ChannelOption.SO_REUSEADDR) {
            return (T) Boolean.valueOf(isReuseAddress());
        }
        if (option == ChannelOption.IP_MULTICAST_LOOP_DISABLED) {
            return (T) Boolean.valueOf(isLoopbackModeDisabled());
        }
        if (option == ChannelOption.IP_MULTICAST_ADDR) {
            return (T) getInterface();
        }
        if (option == ChannelOption.IP_MULTICAST_IF) {
            return (T) getNetworkInterface();
        }
        if (option == ChannelOption.IP_MULTICAST_TTL) {
            return (T) Integer.valueOf(getTimeToLive());
        }
        if (option == ChannelOption.IP_TOS) {
            return (T) Integer.valueOf(getTrafficClass());
        }
        if (option == ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION) {
            return (T) Boolean.valueOf(activeOnOpen);
        }
        if (option == CustomChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE) {
            return (T) Integer.valueOf(getMaxDatagramPayloadSize());
        }
        return super.getOption(option);
    }

    @Override
    @SuppressWarnings("deprecation")
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (linux.set(option, value)) {
            return true;
        }
        if (option == ChannelOption.SO_BROADCAST) {
            setBroadcast((Boolean) value);
        } else if (option == ChannelOption.SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else if (option == ChannelOption.SO_SNDBUF) {
            setSendBufferSize((Integer) value);
        } else if (option == ChannelOption.SO_REUSEADDR) {
            setReuseAddress((Boolean) value);
        } else if (option == ChannelOption.IP_MULTICAST_LOOP_DISABLED) {
            setLoopbackModeDisabled((Boolean) value);
        } else if (option == ChannelOption.IP_MULTICAST_ADDR) {
            setInterface((InetAddress) value);
        } else if (option == ChannelOption.IP_MULTICAST_IF) {
            setNetworkInterface((NetworkInterface) value);
        } else if (option == ChannelOption.IP_MULTICAST_TTL) {
            setTimeToLive((Integer) value);
        } else if (option == ChannelOption.IP_TOS) {
            setTrafficClass((Integer) value);
        } else if (option == ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION) {
            setActiveOnOpen((Boolean) value);
        } else if (option == CustomChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE) {
            setMaxDatagramPayloadSize((Integer) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    private void setActiveOnOpen(boolean activeOnOpen) {
        if (channel.isRegistered()) {
            throw new IllegalStateException("DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION can only be set before registration");
        }
        this.activeOnOpen = activeOnOpen;
    }

    boolean getActiveOnOpen() {
        return activeOnOpen;
    }

    /** The datagram size a receive buffer is split into for recvmmsg; 0 (the default) reads one per buffer. */
    public int getMaxDatagramPayloadSize() {
        return maxDatagramPayloadSize;
    }

    public CustomDatagramChannelConfig setMaxDatagramPayloadSize(int maxDatagramSize) {
        if (maxDatagramSize < 0) {
            throw new IllegalArgumentException("MAX_DATAGRAM_PAYLOAD_SIZE: " + maxDatagramSize + " (expected: >= 0)");
        }
        this.maxDatagramPayloadSize = maxDatagramSize;
        return this;
    }

    /** UDP_GRO (see {@link CustomChannelOption#UDP_GRO}). */
    public boolean isUdpGro() {
        return SockOpt.UDP_GRO.is(socket);
    }

    public CustomDatagramChannelConfig setUdpGro(boolean gro) {
        SockOpt.UDP_GRO.set(socket, gro);
        return this;
    }

    public boolean isReusePort() {
        return SockOpt.SO_REUSEPORT.is(socket);
    }

    public CustomDatagramChannelConfig setReusePort(boolean reusePort) {
        SockOpt.SO_REUSEPORT.set(socket, reusePort);
        return this;
    }

    @Override
    public int getSendBufferSize() {
        return SocketOptions.sendBufferSize(socket);
    }

    @Override
    public CustomDatagramChannelConfig setSendBufferSize(int sendBufferSize) {
        SocketOptions.setSendBufferSize(socket, sendBufferSize);
        return this;
    }

    @Override
    public int getReceiveBufferSize() {
        return SocketOptions.receiveBufferSize(socket);
    }

    @Override
    public CustomDatagramChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        SocketOptions.setReceiveBufferSize(socket, receiveBufferSize);
        return this;
    }

    @Override
    public int getTrafficClass() {
        return SocketOptions.trafficClass(socket);
    }

    @Override
    public CustomDatagramChannelConfig setTrafficClass(int trafficClass) {
        SocketOptions.setTrafficClass(socket, trafficClass);
        return this;
    }

    @Override
    public boolean isReuseAddress() {
        return SocketOptions.reuseAddress(socket);
    }

    @Override
    public CustomDatagramChannelConfig setReuseAddress(boolean reuseAddress) {
        SocketOptions.setReuseAddress(socket, reuseAddress);
        return this;
    }

    @Override
    public boolean isBroadcast() {
        return SockOpt.SO_BROADCAST.is(socket);
    }

    @Override
    public CustomDatagramChannelConfig setBroadcast(boolean broadcast) {
        SockOpt.SO_BROADCAST.set(socket, broadcast);
        return this;
    }

    @Override
    public boolean isLoopbackModeDisabled() {
        return !(socket.isIpv6() ? SockOpt.IPV6_MULTICAST_LOOP : SockOpt.IP_MULTICAST_LOOP).is(socket);
    }

    @Override
    public CustomDatagramChannelConfig setLoopbackModeDisabled(boolean loopbackModeDisabled) {
        int loop = loopbackModeDisabled ? 0 : 1;
        if (socket.isIpv6()) {
            SockOpt.IPV6_MULTICAST_LOOP.set(socket, loop);
            SockOpt.IP_MULTICAST_LOOP.trySet(socket, loop); // IPv4 groups over the dual-stack socket
        } else {
            SockOpt.IP_MULTICAST_LOOP.set(socket, loop);
        }
        return this;
    }

    @Override
    public int getTimeToLive() {
        return (socket.isIpv6() ? SockOpt.IPV6_MULTICAST_HOPS : SockOpt.IP_MULTICAST_TTL).get(socket);
    }

    @Override
    public CustomDatagramChannelConfig setTimeToLive(int ttl) {
        if (ttl < 0 || ttl > 255) {
            throw new IllegalArgumentException("IP_MULTICAST_TTL: " + ttl + " (expected: 0-255)");
        }
        if (socket.isIpv6()) {
            SockOpt.IPV6_MULTICAST_HOPS.set(socket, ttl);
            SockOpt.IP_MULTICAST_TTL.trySet(socket, ttl);
        } else {
            SockOpt.IP_MULTICAST_TTL.set(socket, ttl);
        }
        return this;
    }

    @Override
    public InetAddress getInterface() {
        return DatagramSockets.multicastInterfaceAddress(socket);
    }

    @Override
    public CustomDatagramChannelConfig setInterface(InetAddress interfaceAddress) {
        DatagramSockets.setMulticastInterface(socket, interfaceAddress);
        return this;
    }

    @Override
    public NetworkInterface getNetworkInterface() {
        return DatagramSockets.multicastInterface(socket);
    }

    @Override
    public CustomDatagramChannelConfig setNetworkInterface(NetworkInterface networkInterface) {
        DatagramSockets.setMulticastInterface(socket, networkInterface);
        return this;
    }

    /** IP_FREEBIND: bind to an address that is not local (yet). */
    public boolean isFreeBind() {
        return SockOpt.IP_FREEBIND.is(socket);
    }

    public CustomDatagramChannelConfig setFreeBind(boolean freeBind) {
        SockOpt.IP_FREEBIND.set(socket, freeBind);
        return this;
    }

    /** IP_TRANSPARENT (needs CAP_NET_ADMIN). */
    public boolean isIpTransparent() {
        return SockOpt.IP_TRANSPARENT.is(socket);
    }

    public CustomDatagramChannelConfig setIpTransparent(boolean transparent) {
        SockOpt.IP_TRANSPARENT.set(socket, transparent);
        return this;
    }

    @Override
    public CustomDatagramChannelConfig setReadinessMode(ReadinessMode mode) {
        super.setReadinessMode(mode);
        return this;
    }

    @Override
    @Deprecated
    public CustomDatagramChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public CustomDatagramChannelConfig setMaxMessagesPerWrite(int maxMessagesPerWrite) {
        super.setMaxMessagesPerWrite(maxMessagesPerWrite);
        return this;
    }

    @Override
    public CustomDatagramChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public CustomDatagramChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    public CustomDatagramChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public CustomDatagramChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public CustomDatagramChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public CustomDatagramChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    public CustomDatagramChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }

    @Override
    public CustomDatagramChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }
}

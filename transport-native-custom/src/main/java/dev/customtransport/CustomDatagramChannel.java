package dev.customtransport;

import dev.customtransport.internal.DatagramSockets;
import dev.customtransport.internal.Errors;
import dev.customtransport.internal.MessageArray;
import dev.customtransport.internal.NativeFeatures;
import dev.customtransport.internal.SockOpt;
import dev.customtransport.internal.SocketFd;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.util.internal.StringUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.nio.channels.UnresolvedAddressException;
import java.util.Objects;

/**
 * A UDP socket on this transport: unicast over IPv4, IPv6 and IPv4-mapped IPv6, multicast (any-source and
 * source-specific, per interface), connected mode (an ICMP port unreachable then fails reads and writes with
 * {@link java.net.PortUnreachableException}), batched reads and writes ({@code recvmmsg} when
 * {@link CustomChannelOption#MAX_DATAGRAM_PAYLOAD_SIZE} is set, {@code sendmmsg} whenever more than one datagram
 * is flushed), UDP GSO ({@link SegmentedDatagramPacket}) and GRO ({@link CustomChannelOption#UDP_GRO}).
 *
 * <pre>{@code
 * Channel ch = new Bootstrap()
 *     .group(new MultiThreadIoEventLoopGroup(CustomIoHandler.newFactory()))
 *     .channel(CustomDatagramChannel.class)
 *     .handler(new MyDatagramHandler())
 *     .bind(0).sync().channel();
 * ch.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer("hi", US_ASCII), new InetSocketAddress("::1", 9999)));
 * }</pre>
 *
 * <p>IP_MULTICAST_ALL is off by default, as NIO has it ({@code -Ddev.customtransport.ipMulticastAll=true} turns it
 * back on): a socket receives only the groups it joined itself. A failed write fails that datagram only.
 */
public final class CustomDatagramChannel extends AbstractCustomDatagramChannel implements DatagramChannel {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(CustomDatagramChannel.class);
    private static final boolean IP_MULTICAST_ALL = Boolean.getBoolean("dev.customtransport.ipMulticastAll");
    private static final String EXPECTED_TYPES = " (expected: " + StringUtil.simpleClassName(DatagramPacket.class)
            + ", " + StringUtil.simpleClassName(AddressedEnvelope.class) + '<'
            + StringUtil.simpleClassName(ByteBuf.class) + ", " + StringUtil.simpleClassName(InetSocketAddress.class)
            + ">, " + StringUtil.simpleClassName(ByteBuf.class) + ')';

    private final CustomDatagramChannelConfig config;

    /** Whether {@link SegmentedDatagramPacket}s can be sent: this build's natives and this kernel have UDP_SEGMENT. */
    public static boolean isSegmentedDatagramPacketSupported() {
        return Custom.isAvailable() && UdpSegment.SUPPORTED;
    }

    private static final class UdpSegment {
        static final boolean SUPPORTED = SockOpt.isUdpSegmentSupported();
    }

    /** A socket of the machine's preferred family (dual-stack IPv6 where available). */
    public CustomDatagramChannel() {
        this((SocketProtocolFamily) null);
    }

    /** A socket of {@code family} (INET or INET6; null for the machine's preference). */
    public CustomDatagramChannel(SocketProtocolFamily family) {
        this(DatagramSockets.newDatagram(family), false);
    }

    /** @deprecated use {@link #CustomDatagramChannel(SocketProtocolFamily)} */
    @Deprecated
    public CustomDatagramChannel(InternetProtocolFamily family) {
        this(family == null ? null : family.toSocketProtocolFamily());
    }

    /** Wraps an existing, open UDP socket (made non-blocking by the caller). */
    public CustomDatagramChannel(int fd) {
        this(new SocketFd(fd, DatagramSockets.isIpv6(fd)), true);
    }

    private CustomDatagramChannel(SocketFd socket, boolean active) {
        super(socket, active);
        if (active) {
            local = socket.localAddress();
            remote = socket.remoteAddress();
        }
        // NIO receives only the groups this socket joined; Linux defaults to every group joined on the host.
        if (!SockOpt.IP_MULTICAST_ALL.trySet(socket, IP_MULTICAST_ALL ? 1 : 0)) {
            logger.debug("could not set IP_MULTICAST_ALL to {}", IP_MULTICAST_ALL);
        }
        if (socket.isIpv6()) {
            SockOpt.IPV6_MULTICAST_ALL.trySet(socket, IP_MULTICAST_ALL ? 1 : 0);
        }
        config = new CustomDatagramChannelConfig(this, socket);
    }

    @Override
    public CustomDatagramChannelConfig config() {
        return config;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }

    @Override
    boolean isActiveOnOpen() {
        return config.getActiveOnOpen();
    }

    @Override
    int maxDatagramPayloadSize() {
        return config.getMaxDatagramPayloadSize();
    }

    @Override
    void bindSocket(SocketAddress localAddress) throws Exception {
        if (localAddress instanceof InetSocketAddress) {
            InetSocketAddress a = (InetSocketAddress) localAddress;
            if (socket.isIpv6() && a.getAddress() instanceof Inet4Address && a.getAddress().isAnyLocalAddress()) {
                // 0.0.0.0 on a dual-stack socket would become ::ffff:0.0.0.0, which takes IPv4 only: use ::.
                localAddress = new InetSocketAddress(InetAddress.getByAddress(new byte[16]), a.getPort());
            }
        }
        socket.bind(localAddress);
    }

    @Override
    void connectSocket(SocketAddress remoteAddress) throws Exception {
        socket.connect(remoteAddress);
    }

    @Override
    SocketAddress queryLocalAddress() {
        return socket.localAddress();
    }

    @Override
    Object newPacket(ByteBuf content, MessageArray array, int i) {
        InetSocketAddress recipient = array.inetDestination(i);
        return new DatagramPacket(content, recipient != null ? recipient : localAddress(), array.inetSender(i));
    }

    @Override
    ByteBuf contentOf(Object msg) {
        return msg instanceof ByteBuf ? (ByteBuf) msg : (ByteBuf) ((AddressedEnvelope<?, ?>) msg).content();
    }

    @Override
    SocketAddress recipientOf(Object msg) {
        return msg instanceof AddressedEnvelope ? ((AddressedEnvelope<?, ?>) msg).recipient() : null;
    }

    @Override
    int segmentSizeOf(Object msg) {
        return msg instanceof SegmentedDatagramPacket ? ((SegmentedDatagramPacket) msg).segmentSize() : 0;
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof SegmentedDatagramPacket) {
            if (!NativeFeatures.UDP_SEGMENT) {
                throw Errors.unsupported("UDP GSO (" + StringUtil.simpleClassName(msg) + ", UDP_SEGMENT)");
            }
            if (!UdpSegment.SUPPORTED) {
                throw new UnsupportedOperationException("unsupported message type: "
                        + StringUtil.simpleClassName(msg) + " (this kernel has no UDP_SEGMENT)" + EXPECTED_TYPES);
            }
            SegmentedDatagramPacket p = (SegmentedDatagramPacket) msg;
            checkResolved(p.recipient());
            ByteBuf content = p.content();
            ByteBuf direct = toDirect(content);
            return direct == content ? msg : p.replace(direct);
        }
        if (msg instanceof DatagramPacket) {
            DatagramPacket p = (DatagramPacket) msg;
            checkResolved(p.recipient());
            ByteBuf content = p.content();
            ByteBuf direct = toDirect(content);
            return direct == content ? msg : new DatagramPacket(direct, p.recipient());
        }
        if (msg instanceof ByteBuf) {
            return toDirect((ByteBuf) msg);
        }
        if (msg instanceof AddressedEnvelope) {
            @SuppressWarnings("unchecked")
            AddressedEnvelope<Object, SocketAddress> e = (AddressedEnvelope<Object, SocketAddress>) msg;
            if (e.content() instanceof ByteBuf
                    && (e.recipient() == null || e.recipient() instanceof InetSocketAddress)) {
                checkResolved(e.recipient());
                ByteBuf content = (ByteBuf) e.content();
                ByteBuf direct = toDirect(content);
                return direct == content ? e
                        : new DefaultAddressedEnvelope<>(direct, (InetSocketAddress) e.recipient());
            }
        }
        throw new UnsupportedOperationException(
                "unsupported message type: " + StringUtil.simpleClassName(msg) + EXPECTED_TYPES);
    }

    private static void checkResolved(SocketAddress recipient) {
        if (recipient instanceof InetSocketAddress && ((InetSocketAddress) recipient).isUnresolved()) {
            throw new UnresolvedAddressException();
        }
    }

    // --- multicast ----------------------------------------------------------------------------------------------

    @Override
    public ChannelFuture joinGroup(InetAddress multicastAddress) {
        return joinGroup(multicastAddress, newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetAddress multicastAddress, ChannelPromise promise) {
        return membership(true, multicastAddress, defaultInterface(), null, promise);
    }

    @Override
    public ChannelFuture joinGroup(InetSocketAddress multicastAddress, NetworkInterface networkInterface) {
        return joinGroup(multicastAddress, networkInterface, newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetSocketAddress multicastAddress, NetworkInterface networkInterface,
                                   ChannelPromise promise) {
        return membership(true, multicastAddress.getAddress(), networkInterface, null, promise);
    }

    @Override
    public ChannelFuture joinGroup(InetAddress multicastAddress, NetworkInterface networkInterface,
                                   InetAddress source) {
        return joinGroup(multicastAddress, networkInterface, source, newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetAddress multicastAddress, NetworkInterface networkInterface,
                                   InetAddress source, ChannelPromise promise) {
        return membership(true, multicastAddress, networkInterface, source, promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress multicastAddress) {
        return leaveGroup(multicastAddress, newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress multicastAddress, ChannelPromise promise) {
        return membership(false, multicastAddress, defaultInterface(), null, promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetSocketAddress multicastAddress, NetworkInterface networkInterface) {
        return leaveGroup(multicastAddress, networkInterface, newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetSocketAddress multicastAddress, NetworkInterface networkInterface,
                                    ChannelPromise promise) {
        return membership(false, multicastAddress.getAddress(), networkInterface, null, promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress multicastAddress, NetworkInterface networkInterface,
                                    InetAddress source) {
        return leaveGroup(multicastAddress, networkInterface, source, newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress multicastAddress, NetworkInterface networkInterface,
                                    InetAddress source, ChannelPromise promise) {
        return membership(false, multicastAddress, networkInterface, source, promise);
    }

    private ChannelFuture membership(boolean join, InetAddress group, NetworkInterface iface, InetAddress source,
                                     ChannelPromise promise) {
        try {
            Objects.requireNonNull(group, "multicastAddress");
            DatagramSockets.membership(socket, join, group, iface, source);
            promise.setSuccess();
        } catch (Throwable t) {
            promise.setFailure(t);
        }
        return promise;
    }

    /** The interface of the bound address (null: the kernel chooses by route), as NIO picks it. */
    private NetworkInterface defaultInterface() {
        InetSocketAddress bound = localAddress();
        if (bound == null || bound.getAddress().isAnyLocalAddress()) {
            return null;
        }
        try {
            return NetworkInterface.getByInetAddress(bound.getAddress());
        } catch (java.net.SocketException e) {
            return null;
        }
    }

    @Override
    public ChannelFuture block(InetAddress multicastAddress, NetworkInterface networkInterface,
                               InetAddress sourceToBlock) {
        return block(multicastAddress, networkInterface, sourceToBlock, newPromise());
    }

    @Override
    public ChannelFuture block(InetAddress multicastAddress, NetworkInterface networkInterface,
                               InetAddress sourceToBlock, ChannelPromise promise) {
        // As Netty's epoll transport: blocking a source is not offered (join source-specific instead).
        promise.setFailure(new UnsupportedOperationException("multicast block is not supported"));
        return promise;
    }

    @Override
    public ChannelFuture block(InetAddress multicastAddress, InetAddress sourceToBlock) {
        return block(multicastAddress, sourceToBlock, newPromise());
    }

    @Override
    public ChannelFuture block(InetAddress multicastAddress, InetAddress sourceToBlock, ChannelPromise promise) {
        return block(multicastAddress, null, sourceToBlock, promise);
    }
}

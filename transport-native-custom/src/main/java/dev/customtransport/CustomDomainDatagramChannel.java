package dev.customtransport;

import dev.customtransport.internal.MessageArray;
import dev.customtransport.internal.SocketFd;
import dev.customtransport.internal.UnixSockets;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.unix.DomainDatagramChannel;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.internal.StringUtil;

import java.net.SocketAddress;

/**
 * A Unix domain datagram socket on this transport. It reads {@link DomainDatagramPacket}s and writes them (or any
 * {@code AddressedEnvelope<ByteBuf, DomainSocketAddress>}, or plain {@link ByteBuf}s once connected).
 *
 * <pre>{@code
 * Channel ch = new Bootstrap()
 *     .group(new MultiThreadIoEventLoopGroup(CustomIoHandler.newFactory()))
 *     .channel(CustomDomainDatagramChannel.class)
 *     .handler(new MyHandler())
 *     .bind(new DomainSocketAddress("/run/my.dgram")).sync().channel();
 * }</pre>
 */
public final class CustomDomainDatagramChannel extends AbstractCustomDatagramChannel implements DomainDatagramChannel {
    private static final String EXPECTED_TYPES = " (expected: "
            + StringUtil.simpleClassName(DomainDatagramPacket.class) + ", "
            + StringUtil.simpleClassName(AddressedEnvelope.class) + '<' + StringUtil.simpleClassName(ByteBuf.class)
            + ", " + StringUtil.simpleClassName(DomainSocketAddress.class) + ">, "
            + StringUtil.simpleClassName(ByteBuf.class) + ')';

    private final CustomDomainDatagramChannelConfig config;

    public CustomDomainDatagramChannel() {
        this(UnixSockets.newDatagram(), false);
    }

    /** Wraps an open Unix datagram socket (made non-blocking by the caller). */
    public CustomDomainDatagramChannel(int fd) {
        this(new SocketFd(fd, false), true);
    }

    private CustomDomainDatagramChannel(SocketFd socket, boolean active) {
        super(socket, active);
        if (active) {
            local = UnixSockets.localAddress(socket);
            remote = UnixSockets.remoteAddress(socket);
            connected = remote != null;
        }
        config = new CustomDomainDatagramChannelConfig(this, socket);
    }

    @Override
    public CustomDomainDatagramChannelConfig config() {
        return config;
    }

    @Override
    public DomainSocketAddress localAddress() {
        return (DomainSocketAddress) super.localAddress();
    }

    @Override
    public DomainSocketAddress remoteAddress() {
        return (DomainSocketAddress) super.remoteAddress();
    }

    @Override
    boolean isActiveOnOpen() {
        return config.getActiveOnOpen();
    }

    @Override
    int maxDatagramPayloadSize() {
        return 0;
    }

    @Override
    void bindSocket(SocketAddress localAddress) throws Exception {
        UnixSockets.bind(socket, localAddress);
    }

    @Override
    void connectSocket(SocketAddress remoteAddress) throws Exception {
        UnixSockets.connect(socket, remoteAddress);
    }

    @Override
    SocketAddress queryLocalAddress() {
        return UnixSockets.localAddress(socket);
    }

    @Override
    Object newPacket(ByteBuf content, MessageArray array, int i) {
        DomainSocketAddress sender = array.unixSender(i);
        return new DomainDatagramPacket(content, localAddress(), sender);
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
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof DomainDatagramPacket) {
            DomainDatagramPacket p = (DomainDatagramPacket) msg;
            ByteBuf content = p.content();
            ByteBuf direct = toDirect(content);
            return direct == content ? msg : new DomainDatagramPacket(direct, p.recipient());
        }
        if (msg instanceof ByteBuf) {
            return toDirect((ByteBuf) msg);
        }
        if (msg instanceof AddressedEnvelope) {
            @SuppressWarnings("unchecked")
            AddressedEnvelope<Object, SocketAddress> e = (AddressedEnvelope<Object, SocketAddress>) msg;
            if (e.content() instanceof ByteBuf
                    && (e.recipient() == null || e.recipient() instanceof DomainSocketAddress)) {
                ByteBuf content = (ByteBuf) e.content();
                ByteBuf direct = toDirect(content);
                return direct == content ? e
                        : new DefaultAddressedEnvelope<>(direct, (DomainSocketAddress) e.recipient());
            }
        }
        throw new UnsupportedOperationException(
                "unsupported message type: " + StringUtil.simpleClassName(msg) + EXPECTED_TYPES);
    }
}

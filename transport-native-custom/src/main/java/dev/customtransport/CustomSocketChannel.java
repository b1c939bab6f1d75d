package dev.customtransport;

import dev.customtransport.internal.Errors;
import dev.customtransport.internal.NativeFeatures;
import dev.customtransport.internal.SockOpt;
import dev.customtransport.internal.SocketFd;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.internal.ObjectUtil;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.Executor;

/**
 * A TCP connection on this transport. Use it where you would use {@code NioSocketChannel} or
 * {@code EpollSocketChannel}:
 *
 * <pre>{@code
 * Bootstrap b = new Bootstrap()
 *     .group(new MultiThreadIoEventLoopGroup(CustomIoHandler.newFactory()))
 *     .channel(CustomSocketChannel.class)
 *     .handler(new MyClientInitializer());
 * Channel ch = b.connect("example.com", 443).sync().channel();
 * }</pre>
 */
public final class CustomSocketChannel extends AbstractCustomStreamChannel implements SocketChannel {
    private final CustomSocketChannelConfig config;

    public CustomSocketChannel() {
        super(null, SocketFd.newStream(), false);
        config = new CustomSocketChannelConfig(this, socket, false, true);
    }

    /** An accepted connection. */
    CustomSocketChannel(CustomServerSocketChannel parent, SocketFd socket, InetSocketAddress remoteAddress) {
        super(parent, socket, true);
        CustomServerSocketChannelConfig parentConfig = parent.config();
        config = new CustomSocketChannelConfig(this, socket, parentConfig.childrenInheritNoDelay(),
                parentConfig.childrenLingerOff());
        if (remoteAddress != null) {
            remote = remoteAddress;
        }
    }

    @Override
    public CustomSocketChannelConfig config() {
        return config;
    }

    /** The kernel's TCP_INFO for this connection, into a new {@link CustomTcpInfo}. */
    public CustomTcpInfo tcpInfo() {
        return tcpInfo(new CustomTcpInfo());
    }

    /**
     * The kernel's TCP_INFO for this connection, into {@code info}, which is returned. Linux only: elsewhere an
     * {@link UnsupportedOperationException} naming the platform.
     */
    public CustomTcpInfo tcpInfo(CustomTcpInfo info) {
        SockOpt.tcpInfo(socket, info.info);
        return info;
    }

    /**
     * Moves {@code len} bytes that arrive on this connection to {@code target} with splice(2), through a pipe, so
     * they never enter the JVM; {@link Integer#MAX_VALUE} means "until the future fails or is cancelled". While
     * the request runs, those bytes do not reach this channel's pipeline; requests run in the order made, and
     * ordinary reading resumes after the last. Reading happens as for ordinary reads: with autoRead on, or after
     * {@link #read()}. Both channels must be on the same event loop; either readiness mode works. splice(2) is
     * Linux's: elsewhere the future fails with an {@link UnsupportedOperationException} naming the platform.
     *
     * <pre>{@code
     * inbound.config().setAutoRead(false);
     * inbound.spliceTo(outbound, Integer.MAX_VALUE);
     * inbound.read();
     * }</pre>
     */
    public ChannelFuture spliceTo(AbstractCustomStreamChannel target, int len) {
        return spliceTo(target, len, newPromise());
    }

    /** {@link #spliceTo(AbstractCustomStreamChannel, int)}, completing {@code promise}. */
    public ChannelFuture spliceTo(AbstractCustomStreamChannel target, int len, ChannelPromise promise) {
        ObjectUtil.checkNotNull(target, "target");
        ObjectUtil.checkPositiveOrZero(len, "len");
        ObjectUtil.checkNotNull(promise, "promise");
        if (target.eventLoop() != eventLoop()) {
            throw new IllegalArgumentException("spliceTo() needs both channels on the same event loop");
        }
        return addSplice(new Splice.ToChannel(this, target, len, promise), promise);
    }

    /**
     * Moves {@code len} bytes that arrive on this connection into {@code fd} at {@code offset} (which advances)
     * with splice(2); see {@link #spliceTo(AbstractCustomStreamChannel, int)}. {@code fd} stays open.
     */
    public ChannelFuture spliceTo(FileDescriptor fd, int offset, int len) {
        return spliceTo(fd, offset, len, newPromise());
    }

    /** {@link #spliceTo(FileDescriptor, int, int)}, completing {@code promise}. */
    public ChannelFuture spliceTo(FileDescriptor fd, int offset, int len, ChannelPromise promise) {
        ObjectUtil.checkNotNull(fd, "fd");
        ObjectUtil.checkPositiveOrZero(offset, "offset");
        ObjectUtil.checkPositiveOrZero(len, "len");
        ObjectUtil.checkNotNull(promise, "promise");
        return addSplice(new Splice.ToFd(this, fd, offset, len, promise), promise);
    }

    private ChannelFuture addSplice(Splice.Request request, ChannelPromise promise) {
        if (!NativeFeatures.SPLICE) {
            promise.tryFailure(Errors.unsupported("splice(2) (spliceTo)"));
        } else if (!isOpen()) {
            promise.tryFailure(new ClosedChannelException());
        } else {
            addSplice(request);
        }
        return promise;
    }

    /**
     * With {@code TCP_FASTOPEN_CONNECT}, the first queued buffer rides on the SYN when the kernel has a cookie for the
     * server; what it took leaves the outbound buffer, the rest is written once the connect is confirmed. Without a
     * cookie the sendto is an ordinary non-blocking connect and nothing leaves the buffer.
     */
    @Override
    boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        ChannelOutboundBuffer out = unsafe().outboundBuffer();
        if (!config.isTcpFastOpenConnect() || !TcpFastOpen.CLIENT || out == null
                || !(remoteAddress instanceof InetSocketAddress)) {
            return super.doConnect(remoteAddress, localAddress);
        }
        out.addFlush();
        Object first = out.current();
        if (!(first instanceof ByteBuf) || !((ByteBuf) first).hasMemoryAddress()) {
            // filterOutboundMessage made every buffer direct; one without an address (a composite) goes normally.
            return super.doConnect(remoteAddress, localAddress);
        }
        if (localAddress != null) {
            doBind(localAddress);
        }
        ByteBuf data = (ByteBuf) first;
        int sent;
        try {
            sent = socket.connectFastOpen(remoteAddress, data.memoryAddress() + data.readerIndex(),
                    data.readableBytes());
        } catch (Throwable t) {
            doClose();
            throw t;
        }
        if (sent > 0) {
            out.removeBytes(sent);
        }
        // Either way the handshake completes in the background: wait for it like any pending connect.
        readiness.want(CustomIoOps.WRITE);
        readiness.becamePollable();
        local = socket.localAddress();
        return false;
    }

    @Override
    public ServerSocketChannel parent() {
        return (ServerSocketChannel) super.parent();
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
    protected AbstractCustomUnsafe newUnsafe() {
        return new SocketUnsafe();
    }

    private final class SocketUnsafe extends StreamUnsafe {
        @Override
        protected Executor prepareToClose() {
            try {
                // With SO_LINGER set, close(2) blocks until the data is sent or the time is up: do it off the
                // loop, after leaving the poller, so the loop neither blocks nor spins on the closing socket.
                if (isOpen() && config().knownSoLinger() > 0) {
                    if (isRegistered()) {
                        doDeregister();
                    }
                    return GlobalEventExecutor.INSTANCE;
                }
            } catch (Throwable ignore) {
                // The socket is going away: close it the normal way.
            }
            return null;
        }
    }
}

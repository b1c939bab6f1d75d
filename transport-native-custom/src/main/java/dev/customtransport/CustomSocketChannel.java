package dev.customtransport;

import dev.customtransport.internal.SocketFd;
import io.netty.channel.Channel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
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
        config = new CustomSocketChannelConfig(this, socket);
    }

    /** An accepted connection. */
    CustomSocketChannel(Channel parent, SocketFd socket, InetSocketAddress remoteAddress) {
        super(parent, socket, true);
        config = new CustomSocketChannelConfig(this, socket);
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

    /** The kernel's TCP_INFO for this connection, into {@code info}, which is returned. */
    public CustomTcpInfo tcpInfo(CustomTcpInfo info) {
        dev.customtransport.internal.SockOpt.tcpInfo(socket, info.info);
        return info;
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
                if (isOpen() && config().getSoLinger() > 0) {
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

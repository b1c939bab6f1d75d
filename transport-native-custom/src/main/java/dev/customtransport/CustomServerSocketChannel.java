package dev.customtransport;

import dev.customtransport.internal.SockAddr;
import dev.customtransport.internal.SocketFd;
import io.netty.channel.Channel;
import io.netty.channel.socket.ServerSocketChannel;

import java.net.InetSocketAddress;

/**
 * A listening TCP socket on this transport; its children are {@link CustomSocketChannel}s.
 *
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(CustomIoHandler.newFactory());
 * new ServerBootstrap()
 *     .group(group)
 *     .channel(CustomServerSocketChannel.class)
 *     .childHandler(new MyServerInitializer())
 *     .bind(8080).sync();
 * }</pre>
 */
public final class CustomServerSocketChannel extends AbstractCustomServerChannel implements ServerSocketChannel {
    private final CustomServerSocketChannelConfig config;

    public CustomServerSocketChannel() {
        super(SocketFd.newStream());
        config = new CustomServerSocketChannelConfig(this, socket);
    }

    @Override
    public CustomServerSocketChannelConfig config() {
        return config;
    }

    @Override
    int backlog() {
        return config.getBacklog();
    }

    @Override
    Channel newChildChannel(int fd, byte[] peer) {
        return new CustomSocketChannel(this, new SocketFd(fd, socket.isIpv6()), SockAddr.decodeInet(peer));
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }
}

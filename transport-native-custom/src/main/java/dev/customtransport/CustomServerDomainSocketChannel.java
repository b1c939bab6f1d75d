package dev.customtransport;

import dev.customtransport.internal.SocketFd;
import dev.customtransport.internal.UnixSockets;
import io.netty.channel.Channel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.ServerDomainSocketChannel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.File;
import java.net.SocketAddress;

/**
 * A listening Unix domain stream socket; its children are {@link CustomDomainSocketChannel}s. The socket file it
 * bound is removed when it closes (an abstract name, starting with {@code '\0'}, has no file).
 *
 * <pre>{@code
 * new ServerBootstrap()
 *     .group(group)
 *     .channel(CustomServerDomainSocketChannel.class)
 *     .childHandler(new MyInitializer())
 *     .bind(new DomainSocketAddress("/run/my.sock")).sync();
 * }</pre>
 */
public final class CustomServerDomainSocketChannel extends AbstractCustomServerChannel
        implements ServerDomainSocketChannel {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(CustomServerDomainSocketChannel.class);

    private final CustomServerDomainSocketChannelConfig config;

    public CustomServerDomainSocketChannel() {
        super(UnixSockets.newStream());
        config = new CustomServerDomainSocketChannelConfig(this, socket);
    }

    @Override
    public CustomServerDomainSocketChannelConfig config() {
        return config;
    }

    @Override
    int backlog() {
        return config.getBacklog();
    }

    @Override
    Channel newChildChannel(int childFd, byte[] peer) {
        return new CustomDomainSocketChannel(this, new SocketFd(childFd, false));
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        UnixSockets.bind(socket, localAddress);
        local = localAddress;
        socket.listen(backlog());
        active = true;
        markPollable();
    }

    @Override
    protected void doClose() throws Exception {
        try {
            super.doClose();
        } finally {
            SocketAddress bound = local;
            if (bound instanceof DomainSocketAddress) {
                String path = ((DomainSocketAddress) bound).path();
                if (!path.isEmpty() && path.charAt(0) != '\0' && !new File(path).delete()) {
                    logger.debug("could not delete the socket file {}", path);
                }
            }
        }
    }

    @Override
    public DomainSocketAddress localAddress() {
        return (DomainSocketAddress) super.localAddress();
    }

    @Override
    public DomainSocketAddress remoteAddress() {
        return null;
    }
}

package dev.customtransport;

import dev.customtransport.internal.SocketFd;
import dev.customtransport.internal.UnixSockets;
import io.netty.channel.Channel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.ServerDomainSocketChannel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A listening Unix domain stream socket; its children are {@link CustomDomainSocketChannel}s. The socket file it
 * bound is removed when it closes, if the path still names that socket: a file or another server's socket put there
 * since is left alone (an abstract name, starting with {@code '\0'}, has no file).
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
    private static final Object ANY_SOCKET = new Object();

    /** The identity (device and inode) of the socket file bind() made; null if there is none. */
    private Object boundFileKey;

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
        boundFileKey = socketFileKey(localAddress);
        socket.listen(backlog());
        active = true;
        readiness.becamePollable();
    }

    @Override
    protected void doClose() throws Exception {
        try {
            super.doClose();
        } finally {
            Object key = boundFileKey;
            if (key != null) {
                Path path = Paths.get(((DomainSocketAddress) local).path());
                // Only the socket bind() made: what was put at the path since (a file, a newer server's socket
                // after ours was unlinked) is not ours to remove. Checked without following links.
                if (key.equals(socketFileKey(local)) && !path.toFile().delete()) {
                    logger.debug("could not delete the socket file {}", path);
                }
            }
        }
    }

    /** The file key of the socket file at a bound address, or null if it is abstract, gone or not a socket. */
    private static Object socketFileKey(SocketAddress address) {
        if (!(address instanceof DomainSocketAddress)) {
            return null;
        }
        String path = ((DomainSocketAddress) address).path();
        if (path.isEmpty() || path.charAt(0) == '\0') {
            return null;
        }
        try {
            BasicFileAttributes a = Files.readAttributes(Paths.get(path), BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            // A socket is neither a regular file, a directory nor a link: "other" (with devices and fifos, which
            // bind() cannot make, and a file key would not match anyway).
            if (!a.isOther()) {
                return null;
            }
            // A file system without file keys: any socket at the path counts as ours, as in Netty's own check.
            return a.fileKey() != null ? a.fileKey() : ANY_SOCKET;
        } catch (IOException | RuntimeException e) {
            return null;
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

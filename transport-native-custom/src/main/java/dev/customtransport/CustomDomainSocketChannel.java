package dev.customtransport;

import dev.customtransport.internal.SocketFd;
import dev.customtransport.internal.UnixSockets;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.PeerCredentials;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * A Unix domain stream socket on this transport, with Netty's unix API: {@link DomainSocketAddress} (a path, or an
 * abstract name starting with {@code '\0'}), {@link PeerCredentials}, and descriptor passing. In
 * {@link DomainSocketReadMode#FILE_DESCRIPTORS} mode each descriptor received (SCM_RIGHTS) reaches the pipeline as
 * a {@link FileDescriptor} the handler owns and must close; writing a {@link FileDescriptor} sends it.
 *
 * <pre>{@code
 * Channel ch = new Bootstrap()
 *     .group(new MultiThreadIoEventLoopGroup(CustomIoHandler.newFactory()))
 *     .channel(CustomDomainSocketChannel.class)
 *     .handler(new MyHandler())
 *     .connect(new DomainSocketAddress("/run/my.sock")).sync().channel();
 * }</pre>
 */
public final class CustomDomainSocketChannel extends AbstractCustomStreamChannel implements DomainSocketChannel {
    private final CustomDomainSocketChannelConfig config;

    public CustomDomainSocketChannel() {
        super(null, UnixSockets.newStream(), false);
        config = new CustomDomainSocketChannelConfig(this, socket);
    }

    /** Wraps an open, connected Unix stream socket (made non-blocking by the caller). */
    public CustomDomainSocketChannel(int fd) {
        this(null, new SocketFd(fd, false));
        local = UnixSockets.localAddress(socket);
        remote = UnixSockets.remoteAddress(socket);
    }

    /** An accepted connection. */
    CustomDomainSocketChannel(Channel parent, SocketFd socket) {
        super(parent, socket, true);
        config = new CustomDomainSocketChannelConfig(this, socket);
        local = parent == null ? null : parent.localAddress();
        remote = UnixSockets.remoteAddress(socket);
    }

    @Override
    public CustomDomainSocketChannelConfig config() {
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

    /** The pid, uid and gid of the peer process (SO_PEERCRED), as the kernel recorded them at connect. */
    public PeerCredentials peerCredentials() throws IOException {
        return UnixSockets.peerCredentials(socket);
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        UnixSockets.bind(socket, localAddress);
        local = localAddress;
    }

    @Override
    boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        if (localAddress != null) {
            doBind(localAddress);
        }
        boolean connected;
        try {
            connected = UnixSockets.connect(socket, remoteAddress);
        } catch (Throwable t) {
            doClose();
            throw t;
        }
        if (local == null) {
            // Unbound: the kernel's name for this end (empty path), as Netty's epoll reports it after a connect.
            local = UnixSockets.localAddress(socket);
        }
        if (!connected) {
            readiness.want(CustomIoOps.WRITE);
        }
        // Unix connects usually complete at once: the socket is worth polling either way.
        readiness.becamePollable();
        return connected;
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof FileDescriptor && socket.isOpen()) {
            return msg;
        }
        return super.filterOutboundMessage(msg);
    }

    @Override
    int writeOther(ChannelOutboundBuffer in, Object msg) throws Exception {
        if (msg instanceof FileDescriptor) {
            if (UnixSockets.sendFd(socket, ((FileDescriptor) msg).intValue())) {
                in.remove();
                return 1;
            }
            return SNDBUF_FULL;
        }
        return super.writeOther(in, msg);
    }

    @Override
    protected AbstractCustomUnsafe newUnsafe() {
        return new DomainUnsafe();
    }

    private final class DomainUnsafe extends StreamUnsafe {

        @Override
        int readMessages(ReadHandle handle, ChannelPipeline pipeline) throws Exception {
            return config.getReadMode() == DomainSocketReadMode.FILE_DESCRIPTORS
                    ? readDescriptors(handle, pipeline) : super.readMessages(handle, pipeline);
        }

        /** The read loop of FILE_DESCRIPTORS mode: one FileDescriptor per descriptor received. */
        private int readDescriptors(ReadHandle handle, ChannelPipeline pipeline) throws IOException {
            int[] fds = registration.scratch.descriptors();
            do {
                handle.attemptedBytesRead(1);
                int n = UnixSockets.recvFds(socket, fds);
                if (n <= 0) {
                    handle.lastBytesRead(n < 0 ? -1 : 0);
                    return n < 0 ? END_OF_INPUT : DRAINED;
                }
                handle.lastBytesRead(1);
                handle.incMessagesRead(1);
                readPending = false;
                int count = fds[0];
                if ((fds[1] & UnixSockets.MSG_CTRUNC) != 0) {
                    // The kernel dropped descriptors that did not fit: do not hand out a partial set.
                    for (int i = 0; i < count; i++) {
                        UnixSockets.closeQuietly(fds[2 + i]);
                    }
                    throw new IOException("recvmsg(SCM_RIGHTS): more than " + UnixSockets.MAX_FDS_PER_MESSAGE
                            + " descriptors in one message (MSG_CTRUNC); the " + count + " received were closed");
                }
                for (int i = 0; i < count; i++) {
                    pipeline.fireChannelRead(new FileDescriptor(fds[2 + i]));
                }
                if (isInputOver(config) || !socket.isOpen()) {
                    return DRAINED;
                }
            } while (handle.continueReading());
            return MORE;
        }

        /** A failed descriptor read is reported and reading goes on (the next message may be fine). */
        @Override
        boolean drainedAfter(Throwable failure) {
            return config.getReadMode() == DomainSocketReadMode.FILE_DESCRIPTORS ? !socket.isOpen() : true;
        }

        @Override
        void readEnded(int outcome, Throwable failure) {
            if (config.getReadMode() == DomainSocketReadMode.FILE_DESCRIPTORS) {
                reportFailure(failure);
                if (outcome == END_OF_INPUT) {
                    shutdownInput(true);
                }
            } else {
                super.readEnded(outcome, failure);
            }
        }
    }
}

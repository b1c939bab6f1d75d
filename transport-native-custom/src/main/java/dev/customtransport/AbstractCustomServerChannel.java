package dev.customtransport;

import dev.customtransport.internal.SockAddr;
import dev.customtransport.internal.SocketFd;
import io.netty.channel.Channel;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ServerChannel;

import java.net.SocketAddress;

/** A listening socket: binding, listening and the accept loop. */
public abstract class AbstractCustomServerChannel extends AbstractCustomChannel implements ServerChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    AbstractCustomServerChannel(SocketFd socket) {
        super(null, socket, false, METADATA, 0);
    }

    /** Wraps an accepted descriptor; {@code peer} is the address buffer accept filled. */
    abstract Channel newChildChannel(int fd, byte[] peer) throws Exception;

    /** The listen backlog. */
    abstract int backlog();

    @Override
    protected SocketAddress remoteAddress0() {
        return null;
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        super.doBind(localAddress);
        socket.listen(backlog());
        active = true;
        markPollable();
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        throw new UnsupportedOperationException("a server channel cannot write");
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        throw new UnsupportedOperationException("a server channel cannot write");
    }

    @Override
    boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) {
        throw new UnsupportedOperationException("a server channel cannot connect");
    }

    @Override
    protected AbstractCustomUnsafe newUnsafe() {
        return new ServerUnsafe();
    }

    private final class ServerUnsafe extends AbstractCustomUnsafe {
        private final byte[] peer = new byte[SockAddr.ADDRESS_BUFFER_SIZE];

        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException("a server channel cannot connect"));
        }

        @Override
        void readReady(int bits) {
            CustomChannelConfig config = config();
            if (!readPending && !config.isAutoRead()) {
                if (isEdgeTriggered()) {
                    readReady = true;
                } else {
                    clearFlag(CustomIoOps.READ);
                }
                return;
            }
            ReadHandle handle = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            handle.reset(config);
            handle.attemptedBytesRead(1);
            Throwable exception = null;
            boolean drained = false;
            try {
                do {
                    int fd = socket.accept(peer);
                    if (fd < 0) {
                        handle.lastBytesRead(-1);
                        drained = true;
                        break;
                    }
                    handle.lastBytesRead(1);
                    handle.incMessagesRead(1);
                    readPending = false;
                    Channel child;
                    try {
                        child = newChildChannel(fd, peer);
                    } catch (Throwable t) {
                        new SocketFd(fd, socket.isIpv6()).close();
                        throw t;
                    }
                    pipeline.fireChannelRead(child);
                } while (handle.continueReading());
            } catch (Throwable t) {
                exception = t;
                drained = true;
            }
            handle.readComplete();
            pipeline.fireChannelReadComplete();
            if (exception != null) {
                pipeline.fireExceptionCaught(exception);
            }
            if (isEdgeTriggered()) {
                readReady = !drained && socket.isOpen();
                if (readReady && (readPending || config.isAutoRead())) {
                    reg.markReady(CustomIoEvent.READABLE);
                }
            } else if (!readPending && !config.isAutoRead()) {
                clearFlag(CustomIoOps.READ);
            }
        }
    }
}

package dev.customtransport;

import dev.customtransport.internal.Errors;
import dev.customtransport.internal.SocketFd;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.util.concurrent.TimeUnit;

/**
 * What every channel of this transport shares: the socket, its registration with a {@link CustomIoHandler}, the
 * interest it wants, connecting with a timeout, closing, and the order in which a ready event is acted on.
 *
 * <p>Interest is only submitted once the socket is worth polling (bound and listening, connecting, or
 * connected): a socket that is neither reports HUP forever to epoll, which would spin the loop.
 */
public abstract class AbstractCustomChannel extends AbstractChannel {
    final SocketFd socket;
    private final ChannelMetadata metadata;
    volatile boolean active;

    private IoRegistration registration;
    /** Our registration (the loop wraps it in {@code registration}); gives the ready queue and scratch memory. */
    Registration reg;
    /** Interest wanted ({@link CustomIoOps} bits). */
    int ops;
    /** The socket may be handed to the poller. */
    boolean pollable;
    /** Edge-triggered: interest was submitted once and is never changed again. */
    private boolean edgeArmed;

    boolean readPending;
    /** Input shutdown was completed by reading the end of the stream (or an error ended reading). */
    boolean inputClosedSeenErrorOnRead;
    /** Edge-triggered: an input edge arrived and the socket has not been read to EAGAIN since. */
    boolean readReady;
    /** Edge-triggered: the last write hit a full socket buffer, so wait for the output edge. */
    boolean writeBlocked;

    private ChannelPromise connectPromise;
    private Future<?> connectTimeoutFuture;
    private SocketAddress requestedRemoteAddress;

    volatile SocketAddress local;
    volatile SocketAddress remote;

    AbstractCustomChannel(Channel parent, SocketFd socket, boolean active, ChannelMetadata metadata, int initialOps) {
        super(parent);
        this.socket = socket;
        this.active = active;
        this.pollable = active;
        this.metadata = metadata;
        this.ops = initialOps;
        // An accepted socket's addresses are looked up when first asked for (its peer comes from accept):
        // two syscalls per connection saved for servers that never ask.
    }

    private volatile ChannelFileDescriptor fdView;

    /**
     * The socket as Netty's {@link io.netty.channel.unix.FileDescriptor} (what {@code UnixChannel.fd()} returns,
     * so the Unix channels implement Netty's interfaces); {@code fd().intValue()} is the descriptor's number.
     * Closing it closes the channel's socket (once).
     */
    public final io.netty.channel.unix.FileDescriptor fd() {
        ChannelFileDescriptor f = fdView;
        if (f == null) {
            f = new ChannelFileDescriptor(socket);
            fdView = f;
        }
        return f;
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    public ChannelMetadata metadata() {
        return metadata;
    }

    @Override
    public abstract CustomChannelConfig config();

    @Override
    protected boolean isCompatible(EventLoop loop) {
        // Asks the loop about our handle type: NIO or Netty's epoll loops refuse it at register().
        return loop instanceof IoEventLoop && ((IoEventLoop) loop).isCompatible(AbstractCustomUnsafe.class);
    }

    @Override
    protected SocketAddress localAddress0() {
        SocketAddress a = local;
        if (a == null && active && socket.isOpen()) {
            a = lookupLocalAddress();
            local = a;
        }
        return a;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        SocketAddress a = remote;
        if (a == null && active && socket.isOpen()) {
            a = lookupRemoteAddress();
            remote = a;
        }
        return a;
    }

    /** getsockname, decoded for this channel's address family. */
    SocketAddress lookupLocalAddress() {
        return socket.localAddress();
    }

    /** getpeername, decoded for this channel's address family. */
    SocketAddress lookupRemoteAddress() {
        return socket.remoteAddress();
    }

    final boolean isEdgeTriggered() {
        return reg != null && reg.isEdgeTriggered();
    }

    final boolean isFlagSet(int flag) {
        return (ops & flag) != 0;
    }

    final void setFlag(int flag) {
        if ((ops & flag) == 0) {
            ops |= flag;
            submitOps();
        }
    }

    final void clearFlag(int flag) {
        if ((ops & flag) != 0) {
            ops &= ~flag;
            submitOps();
        }
    }

    /** Starts polling the socket (it became bound, connecting or connected). */
    final void markPollable() {
        if (!pollable) {
            pollable = true;
            submitOps();
        }
    }

    private void submitOps() {
        IoRegistration r = registration;
        if (r == null || !pollable || !r.isValid()) {
            return;
        }
        if (reg.isEdgeTriggered()) {
            // Added once, for everything, whatever the channel wants right now: what it cannot act on yet it
            // remembers itself (readReady, writeBlocked), since that edge will not come again.
            if (!edgeArmed) {
                edgeArmed = true;
                r.submit(CustomIoOps.of(CustomIoOps.READ | CustomIoOps.WRITE | CustomIoOps.READ_CLOSED));
            }
            return;
        }
        r.submit(CustomIoOps.of(ops));
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register((AbstractCustomUnsafe) unsafe()).addListener(f -> {
            if (f.isSuccess()) {
                registration = (IoRegistration) f.getNow();
                reg = registration.attachment();
                edgeArmed = false;
                submitOps();
                promise.setSuccess();
            } else {
                promise.setFailure(f.cause());
            }
        });
    }

    @Override
    protected void doDeregister() throws Exception {
        IoRegistration r = registration;
        if (r != null) {
            r.cancel();
        }
    }

    @Override
    protected void doBeginRead() throws Exception {
        AbstractCustomUnsafe unsafe = (AbstractCustomUnsafe) unsafe();
        readPending = true;
        if (isEdgeTriggered()) {
            // The edge may have come while reading was paused; it will not come again.
            if (readReady) {
                reg.markReady(CustomIoEvent.READABLE);
            }
        } else {
            // Always re-arm: the last read loop may have stopped without reading anything.
            setFlag(CustomIoOps.READ);
        }
        unsafe.onBeginRead();
    }

    /**
     * The start of every read loop: true when reading is paused (no read() pending, autoRead off). The readiness
     * that brought the loop here is then kept for later: edge-triggered, remembered in {@code readReady} for the
     * next read() (that edge will not come again); level-triggered, input interest is dropped so the kernel stops
     * reporting it.
     */
    final boolean pauseIfNotReading() {
        if (readPending || config().isAutoRead()) {
            return false;
        }
        if (isEdgeTriggered()) {
            readReady = true;
        } else {
            clearFlag(CustomIoOps.READ);
        }
        return true;
    }

    /**
     * The end of every read loop. Edge-triggered: a loop that stopped with input maybe left (its budget, not
     * EAGAIN) gets no new edge for it, so the channel queues itself if reading is still wanted and otherwise
     * remembers it for read(). Level-triggered: input interest is dropped once reading is no longer wanted.
     */
    final void readLoopDone(boolean drained) {
        boolean wanted = readPending || config().isAutoRead();
        if (isEdgeTriggered()) {
            readReady = !drained && socket.isOpen() && !socket.isInputShutdown();
            if (readReady && wanted) {
                reg.markReady(CustomIoEvent.READABLE);
            }
        } else if (!wanted) {
            clearFlag(CustomIoOps.READ);
        }
    }

    /**
     * The end of a write loop that left messages queued. With the socket buffer full, wait for the kernel to say it
     * drained (level-triggered: output interest; edge-triggered: the next output edge, remembered in
     * {@code writeBlocked}). With the spin budget used up instead, the socket still takes data: yield to the other
     * channels of the loop and continue from the ready queue.
     */
    final void writeLoopStopped(boolean socketFull) {
        if (socketFull) {
            if (isEdgeTriggered()) {
                writeBlocked = true;
            } else {
                setFlag(CustomIoOps.WRITE);
            }
        } else {
            clearFlag(CustomIoOps.WRITE);
            reg.markReady(CustomIoEvent.WRITABLE);
        }
    }

    final void clearReadInterest() {
        if (!isRegistered()) {
            ops &= ~CustomIoOps.READ;
            return;
        }
        if (eventLoop().inEventLoop()) {
            readPending = false;
            if (!isEdgeTriggered()) {
                clearFlag(CustomIoOps.READ);
            }
        } else {
            eventLoop().execute(() -> {
                if (!readPending && !config().isAutoRead() && !isEdgeTriggered()) {
                    clearFlag(CustomIoOps.READ);
                }
            });
        }
    }

    @Override
    protected void doDisconnect() throws Exception {
        doClose();
    }

    @Override
    protected void doClose() throws Exception {
        active = false;
        // Also ends any read loop: the fd may soon be another socket's.
        inputClosedSeenErrorOnRead = true;
        try {
            ChannelPromise promise = connectPromise;
            if (promise != null) {
                promise.tryFailure(new ClosedChannelException());
                connectPromise = null;
            }
            Future<?> timeout = connectTimeoutFuture;
            if (timeout != null) {
                timeout.cancel(false);
                connectTimeoutFuture = null;
            }
            if (isRegistered() && eventLoop().inEventLoop()) {
                // Leave the poller while the number is still ours; the later deregister finds nothing to do.
                doDeregister();
            }
        } finally {
            socket.close();
        }
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        socket.bind(localAddress);
        local = socket.localAddress();
    }

    /** Copies a buffer the kernel cannot read in place (heap, or too many pieces) into direct memory. */
    final ByteBuf toDirect(ByteBuf buf) {
        if (buf.hasMemoryAddress() || (buf.isDirect() && buf.nioBufferCount() <= dev.customtransport.internal.IovArray.MAX_ENTRIES)) {
            return buf;
        }
        int readable = buf.readableBytes();
        if (readable == 0) {
            ReferenceCountUtil.release(buf);
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBufAllocator alloc = config().getAllocator();
        ByteBuf copy;
        if (alloc.isDirectBufferPooled()) {
            copy = alloc.directBuffer(readable);
        } else {
            copy = ByteBufUtil.threadLocalDirectBuffer();
            if (copy == null) {
                copy = Unpooled.directBuffer(readable);
            }
        }
        copy.writeBytes(buf, buf.readerIndex(), readable);
        ReferenceCountUtil.safeRelease(buf);
        return copy;
    }

    /** Whether the pending connect is still waiting. */
    final boolean isConnectPending() {
        return connectPromise != null;
    }

    /** Connects; true when connected at once. Subclasses add what their socket type needs. */
    boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        if (localAddress != null) {
            doBind(localAddress);
        }
        boolean connected;
        try {
            connected = socket.connect(remoteAddress);
        } catch (Throwable t) {
            doClose();
            throw t;
        }
        if (!connected) {
            setFlag(CustomIoOps.WRITE);
        }
        // Pending or already connected (loopback and Unix sockets may connect at once): poll it from now on.
        markPollable();
        // Known even while pending, once the kernel picked the port (netty#3463).
        local = socket.localAddress();
        return connected;
    }

    /** Unsafe of every channel here; it is the {@link io.netty.channel.IoHandle} the loop polls. */
    abstract class AbstractCustomUnsafe extends AbstractUnsafe implements CustomIoHandle {
        private ReadHandle readHandle;
        /**
         * The socket error the event being handled carried (kqueue), 0 if none. Only needed where SO_ERROR may
         * already be consumed: under the libkqueue emulation, which reads it to fill the event in.
         */
        int eventSocketError;

        @Override
        public int fd() {
            return socket.intValue();
        }

        @Override
        public boolean isFdOpen() {
            return socket.isOpen();
        }

        @Override
        public ReadinessMode readinessMode() {
            return config().getReadinessMode();
        }

        @Override
        public Channel channel() {
            return AbstractCustomChannel.this;
        }

        @Override
        public void controlFailed(IOException cause) {
            pipeline().fireExceptionCaught(cause);
            close(voidPromise());
        }

        @Override
        public void close() {
            close(voidPromise());
        }

        @Override
        public ReadHandle recvBufAllocHandle() {
            if (readHandle == null) {
                readHandle = new ReadHandle((RecvByteBufAllocator.ExtendedHandle) super.recvBufAllocHandle());
            }
            return readHandle;
        }

        /** Hook for subclasses after a read was requested. */
        void onBeginRead() { }

        @Override
        public void handle(IoRegistration registration, IoEvent ioEvent) {
            if (!socket.isOpen()) {
                return;
            }
            int bits = ((CustomIoEvent) ioEvent).bits;
            eventSocketError = ((CustomIoEvent) ioEvent).socketError;
            // Output first: a pending connect is finished (or failed) before any read is tried, and an error
            // surfaces where the connect promise can carry it.
            // Any kernel event while connecting means the attempt is over: kqueue reports the read filter on its
            // own (data and the peer's FIN can come in the same batch as, and before, the write filter), and
            // reading a socket whose connect is not finished would take the FIN for the end of a stream never begun.
            boolean connecting = connectPromise != null && (bits & CustomIoEvent.QUEUED) == 0;
            if ((bits & (CustomIoEvent.WRITABLE | CustomIoEvent.ERROR)) != 0 || connecting) {
                writeReady(bits);
                if (!socket.isOpen()) {
                    return;
                }
            }
            if ((bits & (CustomIoEvent.READABLE | CustomIoEvent.ERROR)) != 0) {
                readReady(bits);
                if (!socket.isOpen()) {
                    return;
                }
            }
            if ((bits & CustomIoEvent.READ_CLOSED) != 0) {
                readClosed();
            }
        }

        void writeReady(int bits) {
            if (connectPromise != null) {
                finishConnect();
            } else if (!socket.isOutputShutdown()) {
                writeBlocked = false;
                super.flush0();
            }
        }

        abstract void readReady(int bits);

        /** The peer shut its output (RDHUP). */
        void readClosed() {
            // Nothing to do by default (server sockets never see it).
        }

        @Override
        protected final void flush0() {
            // While waiting for the socket to drain, a flush would only meet EAGAIN again: the output event will
            // flush (level-triggered: OUT interest is on; edge-triggered: the last write met a full buffer).
            if (isFlagSet(CustomIoOps.WRITE) && !isEdgeTriggered() || writeBlocked && isEdgeTriggered()) {
                return;
            }
            super.flush0();
        }

        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            // Not made uncancellable: a non-blocking connect can be abandoned.
            if (promise.isDone() || !ensureOpen(promise)) {
                return;
            }
            try {
                if (connectPromise != null) {
                    throw new ConnectionPendingException();
                }
                if (remote != null) {
                    // connect(2) on a socket whose earlier connect completed in the background does not say
                    // EISCONN reliably, so answer from what we know.
                    throw new AlreadyConnectedException();
                }
                boolean wasActive = isActive();
                if (doConnect(remoteAddress, localAddress)) {
                    remote = remoteAddress instanceof InetSocketAddress ? socket.remoteAddress() : remoteAddress;
                    fulfillConnectPromise(promise, wasActive);
                    return;
                }
                connectPromise = promise;
                requestedRemoteAddress = remoteAddress;
                int timeoutMillis = config().getConnectTimeoutMillis();
                if (timeoutMillis > 0) {
                    connectTimeoutFuture = eventLoop().schedule(() -> {
                        ChannelPromise p = connectPromise;
                        if (p != null && !p.isDone() && p.tryFailure(new ConnectTimeoutException(
                                "connection timed out after " + timeoutMillis + " ms: " + remoteAddress))) {
                            close(voidPromise());
                        }
                    }, timeoutMillis, TimeUnit.MILLISECONDS);
                }
                promise.addListener((ChannelFutureListener) future -> {
                    if (future.isCancelled()) {
                        Future<?> t = connectTimeoutFuture;
                        if (t != null) {
                            t.cancel(false);
                        }
                        connectPromise = null;
                        close(voidPromise());
                    }
                });
            } catch (Throwable t) {
                closeIfClosed();
                promise.tryFailure(annotateConnectException(t, remoteAddress));
            }
        }

        private void fulfillConnectPromise(ChannelPromise promise, boolean wasActive) {
            if (promise == null) {
                // Closed (and the promise failed) meanwhile.
                return;
            }
            active = true;
            boolean nowActive = isActive();
            boolean promiseSet = promise.trySuccess();
            // Fire channelActive even if a listener of the promise closed the channel: the inactive event that
            // the close fires must have an active one before it.
            if (!wasActive && nowActive) {
                pipeline().fireChannelActive();
            }
            if (!promiseSet) {
                // The user cancelled the connect.
                close(voidPromise());
            }
        }

        private void fulfillConnectPromise(ChannelPromise promise, Throwable cause) {
            if (promise == null) {
                return;
            }
            promise.tryFailure(cause);
            closeIfClosed();
        }

        private void finishConnect() {
            boolean stillPending = false;
            try {
                boolean wasActive = isActive();
                if (eventSocketError != 0) {
                    throw Errors.newConnectException("finishConnect", -eventSocketError);
                }
                if (!socket.finishConnect()) {
                    stillPending = true;
                    return;
                }
                clearFlag(CustomIoOps.WRITE);
                remote = requestedRemoteAddress instanceof InetSocketAddress
                        ? socket.remoteAddress() : requestedRemoteAddress;
                if (remote == null) {
                    remote = requestedRemoteAddress;
                }
                local = socket.localAddress();
                fulfillConnectPromise(connectPromise, wasActive);
            } catch (Throwable t) {
                fulfillConnectPromise(connectPromise, annotateConnectException(t, requestedRemoteAddress));
            } finally {
                if (!stillPending) {
                    Future<?> timeout = connectTimeoutFuture;
                    if (timeout != null) {
                        timeout.cancel(false);
                    }
                    connectTimeoutFuture = null;
                    connectPromise = null;
                }
            }
        }
    }

    static boolean isAllowHalfClosure(ChannelConfig config) {
        return config instanceof CustomStreamChannelConfig && ((CustomStreamChannelConfig) config).isAllowHalfClosure();
    }
}

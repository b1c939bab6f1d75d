package dev.customtransport;

import dev.customtransport.internal.Errors;
import dev.customtransport.internal.IovArray;
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
import io.netty.channel.ChannelPipeline;
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

    /**
     * What the loop handed back at registration: Netty's wrapper of {@link #registration}. Interest and cancellation
     * go through it, so that the loop counts the registration in and out.
     */
    private IoRegistration nettyRegistration;
    /** Our registration inside {@link #nettyRegistration}: the ready queue and the loop's scratch memory. */
    Registration registration;
    /** What this channel's readiness mode decides; replaced at each registration, keeping what the channel wants. */
    Readiness readiness;

    boolean readPending;
    /**
     * No read loop runs again: the end of the stream was read (or an error ended reading), or the channel closed.
     * (Netty's epoll transport calls it inputClosedSeenErrorOnRead.)
     */
    boolean inputDone;

    private ChannelPromise connectPromise;
    private Future<?> connectTimeoutFuture;
    private SocketAddress requestedRemoteAddress;

    volatile SocketAddress local;
    volatile SocketAddress remote;

    /**
     * {@code initialInterest}: what the channel wants from the start ({@link CustomIoOps} bits); {@code pollable}:
     * the socket may be polled from the start (accepted, or a datagram socket, which never reports HUP while idle).
     */
    AbstractCustomChannel(Channel parent, SocketFd socket, boolean active, ChannelMetadata metadata,
                          int initialInterest, boolean pollable) {
        super(parent);
        this.socket = socket;
        this.active = active;
        this.metadata = metadata;
        this.readiness = Readiness.unregistered((AbstractCustomUnsafe) unsafe(), initialInterest, pollable);
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

    @Override
    protected void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register((AbstractCustomUnsafe) unsafe()).addListener(f -> {
            if (f.isSuccess()) {
                nettyRegistration = (IoRegistration) f.getNow();
                registration = nettyRegistration.attachment();
                readiness = Readiness.of(registration.mode, readiness);
                readiness.interestChanged();
                promise.setSuccess();
            } else {
                promise.setFailure(f.cause());
            }
        });
    }

    @Override
    protected void doDeregister() throws Exception {
        IoRegistration r = nettyRegistration;
        if (r != null) {
            r.cancel();
        }
    }

    @Override
    protected void doBeginRead() throws Exception {
        readPending = true;
        readiness.readingResumed();
        ((AbstractCustomUnsafe) unsafe()).onBeginRead();
    }

    /** The start of every read loop: true when reading is paused (no read() pending, autoRead off). */
    final boolean pauseIfNotReading() {
        if (readPending || config().isAutoRead()) {
            return false;
        }
        readiness.readingPaused();
        return true;
    }

    /** autoRead was turned off: reading is no longer wanted, unless a read() is pending. */
    final void clearReadInterest() {
        if (!isRegistered()) {
            readiness.unwant(CustomIoOps.READ);
            return;
        }
        if (eventLoop().inEventLoop()) {
            readPending = false;
            readiness.readingStopped();
        } else {
            eventLoop().execute(() -> {
                if (!readPending && !config().isAutoRead()) {
                    readiness.readingStopped();
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
        inputDone = true;
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
        if (buf.hasMemoryAddress() || (buf.isDirect() && buf.nioBufferCount() <= IovArray.MAX_ENTRIES)) {
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
            readiness.want(CustomIoOps.WRITE);
        }
        // Pending or already connected (loopback and Unix sockets may connect at once): poll it from now on.
        readiness.becamePollable();
        // Known even while pending, once the kernel picked the port (netty#3463).
        local = socket.localAddress();
        return connected;
    }

    /**
     * Unsafe of every channel here: the {@link io.netty.channel.IoHandle} the loop polls, and the
     * {@link Readiness.Port} the channel's readiness mode acts on.
     */
    abstract class AbstractCustomUnsafe extends AbstractUnsafe implements CustomIoHandle, Readiness.Port {
        /** {@link #readMessages} outcome: stopped on its budget; input may be left. */
        static final int MORE = 0;
        /** {@link #readMessages} outcome: the socket had nothing more, or must not be read again. */
        static final int DRAINED = 1;
        /** {@link #readMessages} outcome: the end of the stream. */
        static final int END_OF_INPUT = 2;

        private ReadHandle readHandle;
        /**
         * The socket error the kernel event being handled carried (kqueue's fflags with EV_EOF), until a pending
         * connect or a read loop takes it: see {@link #takeCarriedError}.
         */
        private int carriedError;

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
        public void eventsMayHaveBeenLost() {
            readiness.eventsMayHaveBeenLost();
        }

        // Readiness.Port

        @Override
        public void submit(int interest) {
            IoRegistration r = nettyRegistration;
            if (r != null && r.isValid()) {
                r.submit(CustomIoOps.of(interest));
            }
        }

        @Override
        public void markReady(int work) {
            registration.markReady(work);
        }

        @Override
        public boolean isReadingWanted() {
            return readPending || config().isAutoRead();
        }

        @Override
        public boolean isInputOpen() {
            return socket.isOpen() && !socket.isInputShutdown();
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
            CustomIoEvent event = (CustomIoEvent) ioEvent;
            int bits = event.bits;
            carriedError = event.socketError;
            // Output first: a pending connect is finished (or failed) before any read is tried, and an error
            // surfaces where the connect promise can carry it.
            // Any kernel event while connecting means the attempt is over: kqueue reports the read filter on its
            // own (data and the peer's FIN can come in the same batch as, and before, the write filter), and
            // reading a socket whose connect is not finished would take the FIN for the end of a stream never begun.
            boolean connecting = connectPromise != null && (bits & CustomIoEvent.QUEUED) == 0;
            if ((bits & (CustomIoEvent.WRITABLE | CustomIoEvent.ERROR)) != 0 || connecting) {
                writeReady();
                if (!socket.isOpen()) {
                    return;
                }
            }
            if ((bits & (CustomIoEvent.READABLE | CustomIoEvent.ERROR)) != 0) {
                readReady();
                if (!socket.isOpen()) {
                    return;
                }
            }
            if ((bits & CustomIoEvent.READ_CLOSED) != 0) {
                readClosed();
            }
        }

        void writeReady() {
            if (connectPromise != null) {
                finishConnect();
            } else if (!socket.isOutputShutdown()) {
                readiness.writable();
                super.flush0();
            }
        }

        /**
         * The read loop every channel shares; what a channel type reads is {@link #readMessages}. Checks that
         * reading should happen now, lets the allocator handle size the reads, reads until the socket runs dry or the
         * handle's budget is used up, fires {@code channelReadComplete}, reports a failure, and hands what is left
         * to the readiness mode.
         */
        final void readReady() {
            if (readStopped() || pauseIfNotReading() || readElsewhere()) {
                return;
            }
            ReadHandle handle = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            handle.reset(config());
            Throwable failure = null;
            int outcome;
            try {
                outcome = readMessages(handle, pipeline);
            } catch (Throwable t) {
                failure = t;
                outcome = drainedAfter(t) ? DRAINED : MORE;
            } finally {
                carriedError = 0;
            }
            handle.readComplete();
            pipeline.fireChannelReadComplete();
            readEnded(outcome, failure);
            if (!readingSuspended()) {
                readiness.readLoopDone(outcome != MORE);
            }
        }

        /** True if this event must not start a read loop (the input is over, accepting is paused). */
        boolean readStopped() {
            return false;
        }

        /** True if the input went elsewhere than the pipeline (a splice). */
        boolean readElsewhere() {
            return false;
        }

        /**
         * Reads messages into the pipeline ({@code fireChannelRead}) while {@code handle} says to go on, releasing
         * or firing what it holds if it throws: {@link #MORE}, {@link #DRAINED} or {@link #END_OF_INPUT}.
         */
        abstract int readMessages(ReadHandle handle, ChannelPipeline pipeline) throws Exception;

        /** After a read loop failed with {@code failure}: true if the socket need not be read again for now. */
        boolean drainedAfter(Throwable failure) {
            return true;
        }

        /** After {@code channelReadComplete}: reports the failure, if any. */
        void readEnded(int outcome, Throwable failure) {
            reportFailure(failure);
        }

        final void reportFailure(Throwable failure) {
            if (failure != null) {
                pipeline().fireExceptionCaught(failure);
            }
        }

        /** True while reading is suspended by the channel itself (accepting paused): no readiness bookkeeping. */
        boolean readingSuspended() {
            return false;
        }

        /**
         * The socket error the event carried, once, or 0. A BSD kernel leaves it in SO_ERROR as well, where the
         * next read or SO_ERROR finds it; the libkqueue emulation reads SO_ERROR to fill the event in, which
         * clears it, so a read loop raises it where the socket, read, shows only the end of its input.
         */
        final int takeCarriedError() {
            int e = carriedError;
            carriedError = 0;
            return e;
        }

        /** The peer shut its output (RDHUP). */
        void readClosed() {
            // Nothing to do by default (server sockets never see it).
        }

        @Override
        protected final void flush0() {
            if (readiness.mayFlush()) {
                super.flush0();
            }
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
                int error = takeCarriedError();
                if (error != 0) {
                    throw Errors.newConnectException("finishConnect", -error);
                }
                if (!socket.finishConnect()) {
                    stillPending = true;
                    return;
                }
                readiness.unwant(CustomIoOps.WRITE);
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

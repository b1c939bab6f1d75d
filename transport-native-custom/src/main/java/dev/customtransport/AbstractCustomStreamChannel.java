package dev.customtransport;

import dev.customtransport.internal.Errors;
import dev.customtransport.internal.IovArray;
import dev.customtransport.internal.SocketFd;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoop;
import io.netty.channel.FileRegion;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.internal.StringUtil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.Executor;

/**
 * A connected byte stream (TCP and Unix domain stream sockets): the read loop, the write loop with its spin budget
 * and gathering writes, file regions, splicing, and half-closure.
 */
public abstract class AbstractCustomStreamChannel extends AbstractCustomChannel implements DuplexChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    private static final String EXPECTED_TYPES = " (expected: " + StringUtil.simpleClassName(ByteBuf.class) + ", "
            + StringUtil.simpleClassName(DefaultFileRegion.class) + ')';
    /** doWrite* result: the socket buffer is full, stop spinning. */
    static final int SNDBUF_FULL = Integer.MAX_VALUE;
    /** Below this many attempted bytes a short gathering write says nothing about the socket's capacity. */
    private static final int GATHERING_LOW_THRESHOLD = 4096;

    private WritableByteChannel byteChannel;
    /**
     * The last {@link DefaultFileRegion} whose file has no descriptor sendfile can read (a {@code FileChannel} of a
     * zip file system, say): it goes through {@link FileRegion#transferTo} instead, without asking again.
     */
    private DefaultFileRegion regionWithoutDescriptor;
    /** Splice requests and pipe, made on first use (see {@link Splice}). */
    private volatile Splice.Endpoint splice;

    AbstractCustomStreamChannel(Channel parent, SocketFd socket, boolean active) {
        // Peer half-close is always of interest: it is how the end of the stream is noticed early.
        super(parent, socket, active, METADATA, CustomIoOps.READ_CLOSED, active);
    }

    @Override
    public abstract CustomStreamChannelConfig config();

    @Override
    protected AbstractCustomUnsafe newUnsafe() {
        return new StreamUnsafe();
    }

    @Override
    public boolean isInputShutdown() {
        return socket.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return socket.isOutputShutdown();
    }

    @Override
    public boolean isShutdown() {
        return socket.isShutdown();
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            ((AbstractUnsafe) unsafe()).shutdownOutput(promise);
        } else {
            loop.execute(() -> ((AbstractUnsafe) unsafe()).shutdownOutput(promise));
        }
        return promise;
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        Executor closeExecutor = ((StreamUnsafe) unsafe()).prepareToClose();
        if (closeExecutor != null) {
            closeExecutor.execute(() -> shutdownInput0(promise));
        } else {
            EventLoop loop = eventLoop();
            if (loop.inEventLoop()) {
                shutdownInput0(promise);
            } else {
                loop.execute(() -> shutdownInput0(promise));
            }
        }
        return promise;
    }

    private void shutdownInput0(ChannelPromise promise) {
        try {
            socket.shutdown(true, false);
            promise.setSuccess();
        } catch (Throwable t) {
            promise.setFailure(t);
        }
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        ChannelFuture out = shutdownOutput();
        if (out.isDone()) {
            shutdownInputAfterOutput(out, promise);
        } else {
            out.addListener(f -> shutdownInputAfterOutput((ChannelFuture) f, promise));
        }
        return promise;
    }

    private void shutdownInputAfterOutput(ChannelFuture outFuture, ChannelPromise promise) {
        ChannelFuture in = shutdownInput();
        if (in.isDone()) {
            completeShutdown(outFuture, in, promise);
        } else {
            in.addListener(f -> completeShutdown(outFuture, (ChannelFuture) f, promise));
        }
    }

    private static void completeShutdown(ChannelFuture out, ChannelFuture in, ChannelPromise promise) {
        Throwable outCause = out.cause();
        Throwable inCause = in.cause();
        if (outCause != null) {
            if (inCause != null && inCause != outCause) {
                outCause.addSuppressed(inCause);
            }
            promise.setFailure(outCause);
        } else if (inCause != null) {
            promise.setFailure(inCause);
        } else {
            promise.setSuccess();
        }
    }

    @Override
    protected void doShutdownOutput() throws Exception {
        socket.shutdown(false, true);
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf) {
            return toDirect((ByteBuf) msg);
        }
        if (msg instanceof FileRegion || msg instanceof Splice.Out) {
            return msg;
        }
        throw new UnsupportedOperationException(
                "unsupported message type: " + StringUtil.simpleClassName(msg) + EXPECTED_TYPES);
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        int spin = config().getWriteSpinCount();
        do {
            int size = in.size();
            if (size == 0) {
                // All written: stop waiting for the socket to drain.
                readiness.unwant(CustomIoOps.WRITE);
                return;
            }
            if (size > 1 && in.current() instanceof ByteBuf) {
                spin -= writeGathering(in);
            } else {
                spin -= writeSingle(in, in.current());
            }
        } while (spin > 0);

        // spin < 0: a write met a full socket buffer; spin == 0: the budget is used up.
        readiness.writeLoopStopped(spin < 0);
    }

    private int writeSingle(ChannelOutboundBuffer in, Object msg) throws Exception {
        if (msg instanceof ByteBuf) {
            return writeBytes(in, (ByteBuf) msg);
        }
        if (msg instanceof DefaultFileRegion) {
            return writeDefaultFileRegion(in, (DefaultFileRegion) msg);
        }
        if (msg instanceof FileRegion) {
            return writeFileRegion(in, (FileRegion) msg);
        }
        return writeOther(in, msg);
    }

    /**
     * Writes a message type a subclass lets through {@code filterOutboundMessage} (a Unix socket's
     * {@code FileDescriptor}): 1 when written and removed, {@link #SNDBUF_FULL} when the socket buffer is full.
     */
    int writeOther(ChannelOutboundBuffer in, Object msg) throws Exception {
        if (msg instanceof Splice.Out) {
            if (((Splice.Out) msg).spliceOut()) {
                in.remove();
                return 1;
            }
            return SNDBUF_FULL;
        }
        throw new Error("unexpected message in the outbound buffer: " + StringUtil.simpleClassName(msg));
    }

    private int writeBytes(ChannelOutboundBuffer in, ByteBuf buf) throws IOException {
        int readable = buf.readableBytes();
        if (readable == 0) {
            in.remove();
            return 0;
        }
        long written;
        if (buf.hasMemoryAddress()) {
            written = socket.write(buf.memoryAddress() + buf.readerIndex(), readable);
        } else if (buf.nioBufferCount() == 1) {
            ByteBuffer nio = buf.internalNioBuffer(buf.readerIndex(), readable);
            written = socket.write(SocketFd.address(nio) + nio.position(), readable);
        } else {
            IovArray iov = registration.scratch.iovs();
            iov.add(buf);
            written = socket.writev(iov.address(), iov.count());
        }
        if (written <= 0) {
            return SNDBUF_FULL;
        }
        in.removeBytes(written);
        // A short write means the socket buffer filled up: another call now would only meet EAGAIN.
        return written < readable ? SNDBUF_FULL : 1;
    }

    private int writeGathering(ChannelOutboundBuffer in) throws Exception {
        IovArray iov = registration.scratch.iovs();
        long maxBytes = config().getMaxBytesPerGatheringWrite();
        iov.maxBytes(maxBytes);
        in.forEachFlushedMessage(iov);
        if (iov.count() == 0) {
            // Only empty buffers at the head: drop them.
            in.removeBytes(0);
            return 0;
        }
        long attempted = iov.size();
        long written = socket.writev(iov.address(), iov.count());
        if (written <= 0) {
            return SNDBUF_FULL;
        }
        adjustMaxBytesPerGatheringWrite(attempted, written, maxBytes);
        in.removeBytes(written);
        return written < attempted ? SNDBUF_FULL : 1;
    }

    /** Grows the gathering limit when the socket took everything, shrinks it when it took much less. */
    private void adjustMaxBytesPerGatheringWrite(long attempted, long written, long oldMax) {
        if (attempted == written) {
            if (attempted << 1 > oldMax) {
                config().setMaxBytesPerGatheringWrite(attempted << 1);
            }
        } else if (attempted > GATHERING_LOW_THRESHOLD && written < attempted >>> 1) {
            config().setMaxBytesPerGatheringWrite(oldMax >>> 1);
        }
    }

    private int writeDefaultFileRegion(ChannelOutboundBuffer in, DefaultFileRegion region) throws Exception {
        if (region == regionWithoutDescriptor) {
            return writeFileRegion(in, region);
        }
        long count = region.count();
        long transferred = region.transferred();
        if (transferred >= count) {
            in.remove();
            return 0;
        }
        // sendfile reads the region's file through its FileChannel, which open() creates. It moves at most
        // 0x7ffff000 bytes a call on Linux, so a region over 2 GiB takes several calls, each one progress.
        region.open();
        long res = socket.sendFile(region, region.position() + transferred, count - transferred);
        if (res == SocketFd.SENDFILE_NO_DESCRIPTOR) {
            // The FileChannel is not the JDK's file channel (no descriptor): the generic path reads it in Java.
            regionWithoutDescriptor = region;
            return writeFileRegion(in, region);
        }
        if (res == SocketFd.SENDFILE_END_OF_FILE) {
            // The file shrank under us: Netty's check fails the write.
            validateFileRegion(region, transferred);
            return SNDBUF_FULL;
        }
        if (res == 0) {
            return SNDBUF_FULL;
        }
        in.progress(res);
        if (region.transferred() >= count) {
            in.remove();
        }
        return 1;
    }

    private int writeFileRegion(ChannelOutboundBuffer in, FileRegion region) throws Exception {
        if (region.transferred() >= region.count()) {
            if (region == regionWithoutDescriptor) {
                regionWithoutDescriptor = null;
            }
            in.remove();
            return 0;
        }
        if (byteChannel == null) {
            byteChannel = new SocketWritableChannel();
        }
        long written = region.transferTo(byteChannel, region.transferred());
        if (written > 0) {
            in.progress(written);
            if (region.transferred() >= region.count()) {
                in.remove();
            }
            return 1;
        }
        return SNDBUF_FULL;
    }

    /** What a custom {@link FileRegion} writes into: the socket, through direct memory. */
    private final class SocketWritableChannel implements WritableByteChannel {
        @Override
        public int write(ByteBuffer src) throws IOException {
            int len = src.remaining();
            if (len == 0) {
                return 0;
            }
            int written;
            if (src.isDirect()) {
                written = socket.write(SocketFd.address(src) + src.position(), len);
            } else {
                ByteBufAllocator alloc = config().getAllocator();
                ByteBuf tmp = alloc.directBuffer(len);
                try {
                    tmp.writeBytes(src.duplicate());
                    ByteBuffer nio = tmp.internalNioBuffer(tmp.readerIndex(), len);
                    written = socket.write(SocketFd.address(nio) + nio.position(), len);
                } finally {
                    tmp.release();
                }
            }
            if (written > 0) {
                src.position(src.position() + written);
            }
            return written;
        }

        @Override
        public boolean isOpen() {
            return socket.isOpen();
        }

        @Override
        public void close() {
            // The socket is closed with the channel, not by a file region.
        }
    }

    /** Reads into {@code buf}: bytes read, 0 when nothing is there, -1 at the end of the stream. */
    private int doReadBytes(ByteBuf buf) throws IOException {
        int writable = buf.writableBytes();
        int n;
        if (buf.hasMemoryAddress()) {
            n = socket.read(buf.memoryAddress() + buf.writerIndex(), writable);
        } else {
            ByteBuffer nio = buf.internalNioBuffer(buf.writerIndex(), writable);
            n = socket.read(SocketFd.address(nio) + nio.position(), writable);
        }
        if (n > 0) {
            buf.writerIndex(buf.writerIndex() + n);
        }
        return n;
    }

    /** Input is over for good: no read loop may run. */
    final boolean isInputOver(ChannelConfig config) {
        return socket.isInputShutdown() && (inputDone || !isAllowHalfClosure(config));
    }

    /** This channel's splice state, made on first use. */
    final Splice.Endpoint splice() {
        Splice.Endpoint s = splice;
        if (s == null) {
            synchronized (this) {
                s = splice;
                if (s == null) {
                    splice = s = new Splice.Endpoint();
                }
            }
        }
        return s;
    }

    /** Queues a splice request; it runs from the read path, which is poked once for it. */
    final void addSplice(Splice.Request request) {
        splice().add(request);
        spliceResumed();
    }

    /** A splice target drained its pipe (any thread): data that waited in the socket raises no new edge. */
    final void spliceResumed() {
        if (registration != null) {
            readiness.inputMayBeWaiting();
        }
    }

    @Override
    protected void doClose() throws Exception {
        try {
            super.doClose();
        } finally {
            Splice.Endpoint s = splice;
            if (s != null) {
                s.close();
            }
        }
    }

    class StreamUnsafe extends AbstractCustomUnsafe {
        @Override
        protected Executor prepareToClose() {
            return null;
        }

        @Override
        boolean readStopped() {
            if (!isInputOver(config())) {
                return false;
            }
            readPending = false;
            readiness.unwant(CustomIoOps.READ);
            return true;
        }

        /** Splice requests take the socket's bytes instead of the pipeline. */
        @Override
        boolean readElsewhere() {
            Splice.Endpoint splices = splice;
            if (splices == null || !splices.hasRequests()) {
                return false;
            }
            readPending = false;
            int state = splices.run();
            if (state == Splice.EOF) {
                shutdownInput(true);
            }
            if (socket.isOpen()) {
                // WAIT: the socket ran dry (an edge will come) or the target's pipe is full (its drain calls
                // spliceResumed()). MORE, or no request left: data may wait, so ET reading goes on from the ready
                // queue.
                readiness.readLoopDone(state == Splice.WAIT || state == Splice.EOF);
            }
            return true;
        }

        @Override
        int readMessages(ReadHandle handle, ChannelPipeline pipeline) throws Exception {
            CustomStreamChannelConfig config = config();
            ByteBufAllocator allocator = config.getAllocator();
            ByteBuf buf = null;
            boolean drained = false;
            try {
                do {
                    buf = handle.allocate(allocator);
                    handle.attemptedBytesRead(buf.writableBytes());
                    int n = doReadBytes(buf);
                    handle.lastBytesRead(n);
                    if (n <= 0) {
                        buf.release();
                        buf = null;
                        if (n == 0) {
                            return DRAINED;
                        }
                        int error = takeCarriedError();
                        if (error != 0) {
                            // A reset the event carried but read no longer sees (see takeCarriedError).
                            throw Errors.newIoException("read", -error);
                        }
                        readPending = false;
                        return END_OF_INPUT;
                    }
                    handle.incMessagesRead(1);
                    readPending = false;
                    pipeline.fireChannelRead(buf);
                    buf = null;
                    if (isInputOver(config)) {
                        // The handler shut the input or closed the channel: the fd may already be someone else's.
                        return DRAINED;
                    }
                    if (!handle.maybeMoreDataToRead()) {
                        // A short read means the receive queue was empty when it returned: Linux's non-blocking
                        // TCP and Unix stream reads stop early only once the queue ran dry (they look at signals
                        // only then), and packets that arrived during the read sit in the socket backlog, whose
                        // processing when the read releases the socket raises a new edge. netty#7788 concerns
                        // reads that wait; ReadinessRegressionTest pins the no-stall behaviour. (After the peer's
                        // half-close the loop still goes on, to reach the end of the stream.)
                        drained = true;
                    }
                } while (handle.continueReading());
                return drained ? DRAINED : MORE;
            } catch (Throwable t) {
                if (buf != null) {
                    if (buf.isReadable()) {
                        readPending = false;
                        pipeline.fireChannelRead(buf);
                    } else {
                        buf.release();
                    }
                }
                throw t;
            }
        }

        @Override
        void readEnded(int outcome, Throwable failure) {
            super.readEnded(outcome, failure);
            // An I/O error (or running out of memory) ends reading: shut the input, so that a half-closed channel
            // does not keep polling a dead socket (netty#10434).
            if (outcome == END_OF_INPUT || failure instanceof IOException || failure instanceof OutOfMemoryError) {
                shutdownInput(true);
            }
        }

        @Override
        void readClosed() {
            ReadHandle handle = recvBufAllocHandle();
            handle.receivedRdHup = true;
            // The half-close is known now; level-triggered polling would report it forever.
            readiness.unwant(CustomIoOps.READ_CLOSED);
            if (!isActive()) {
                shutdownInput(false);
                return;
            }
            if (readPending || config().isAutoRead()) {
                // Read what is left, then the end of the stream.
                readReady();
                return;
            }
            // Reading is paused. Bytes must wait for read(), but if only the end of the stream is left it can be
            // acted on now: the application learns of the half-closure without a read() it has no reason to make.
            int pending;
            try {
                pending = socket.peek();
            } catch (IOException e) {
                pending = 1;
            }
            if (pending == 0) {
                readPending = false;
                shutdownInput(true);
            } else {
                readiness.readingPaused();
            }
        }

        void shutdownInput(boolean allDataRead) {
            if (!socket.isInputShutdown()) {
                if (isAllowHalfClosure(config())) {
                    try {
                        socket.shutdown(true, false);
                    } catch (IOException e) {
                        // Could not shut it: the input is effectively over anyway.
                        pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                        close(voidPromise());
                        return;
                    } catch (NotYetConnectedException ignored) {
                        // Never connected: nothing to shut.
                    }
                    // Nothing more to read (edge-triggered registered everything once and changes nothing).
                    readiness.unwant(CustomIoOps.READ);
                    pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                } else {
                    close(voidPromise());
                    return;
                }
            }
            if (allDataRead && !inputDone) {
                inputDone = true;
                pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
            }
        }
    }
}

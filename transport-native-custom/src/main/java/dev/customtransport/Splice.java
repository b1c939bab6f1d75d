package dev.customtransport;

import dev.customtransport.internal.Pipes;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.channel.unix.FileDescriptor;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Queue;

import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

/**
 * splice(2) from a {@link CustomSocketChannel}'s socket, without the bytes entering Java: to another of our stream
 * channels (through a pipe the target owns, drained by a {@link Out} message in the target's outbound buffer, so it
 * is ordered with the target's other writes) or to a file descriptor at an offset (through a pipe of its own).
 *
 * <p>Requests queue on the source ({@link Queue}, any thread adds, the loop takes) and run from the source's read
 * path instead of ordinary reads, in request order. While the target cannot take what was spliced in, the source
 * stops reading (autoRead off) and resumes when the pipe drained; in edge-triggered mode the resume also queues the
 * source as readable, because data that waited in its socket meanwhile raises no new edge.
 */
final class Splice {

    // What a request's turn at the socket came to:
    /** The request is complete (or failed): the next one may go. */
    static final int DONE = 0;
    /** The socket ran dry, or the target's pipe is full (its drain calls the source back). */
    static final int WAIT = 1;
    /** This turn's byte budget is used up with data perhaps left: come back. */
    static final int MORE = 2;
    /** The input ended. */
    static final int EOF = 3;

    /** Bytes one turn moves at most, so one splicing channel cannot hold the loop. */
    private static final int MAX_PER_TURN = 1 << 20;

    private Splice() { }

    /** One {@code spliceTo} call. */
    abstract static class Request {
        final AbstractCustomStreamChannel source;
        final ChannelPromise promise;
        /** Bytes still to move; {@link Integer#MAX_VALUE} is "until failed or cancelled". */
        int len;

        Request(AbstractCustomStreamChannel source, int len, ChannelPromise promise) {
            this.source = source;
            this.len = len;
            this.promise = promise;
        }

        /**
         * Moves what the socket has now into {@code pipeOut}, at most {@code budget} bytes: bytes moved, and
         * whether the input ended.
         */
        final int spliceIn(int pipeOut, boolean[] eof, int budget) throws IOException {
            int max = Math.min(len, budget);
            int moved = 0;
            while (moved < max) {
                int n = Pipes.splice(source.socket.intValue(), -1, pipeOut, -1, max - moved);
                if (n == 0) {
                    break;
                }
                if (n < 0) {
                    eof[0] = true;
                    break;
                }
                moved += n;
            }
            return moved;
        }

        final void consumed(int n) {
            if (len != Integer.MAX_VALUE) {
                len -= n;
            }
        }

        /** {@link #DONE}, {@link #WAIT} (socket drained or pipe full) or {@link #EOF}; runs on the loop. */
        abstract int run();
    }

    /** To another of our stream channels on the same loop. */
    static final class ToChannel extends Request implements ChannelFutureListener {
        private final AbstractCustomStreamChannel target;

        ToChannel(AbstractCustomStreamChannel source, AbstractCustomStreamChannel target, int len,
                  ChannelPromise promise) {
            super(source, len, promise);
            this.target = target;
        }

        /** A partial write failed: so did the request. */
        @Override
        public void operationComplete(ChannelFuture future) {
            if (!future.isSuccess()) {
                promise.tryFailure(future.cause());
            }
        }

        @Override
        int run() {
            if (len == 0) {
                promise.trySuccess();
                return DONE;
            }
            try {
                int pipeOut = target.splice().pipe()[1];
                boolean[] eof = new boolean[1];
                int moved = spliceIn(pipeOut, eof, MAX_PER_TURN);
                if (moved > 0) {
                    consumed(moved);
                    ChannelPromise p = len == 0 ? promise : target.newPromise().addListener(this);
                    boolean autoRead = source.config().isAutoRead();
                    target.unsafe().write(new Out(source, target, moved, autoRead), p);
                    target.unsafe().flush();
                    if (autoRead && !p.isDone()) {
                        // The target is full: stop reading until its pipe drained (Out turns reading back on).
                        source.config().setAutoRead(false);
                    }
                }
                return len == 0 ? DONE : eof[0] ? EOF : WAIT;
            } catch (Throwable t) {
                promise.tryFailure(t);
                return DONE;
            }
        }
    }

    /** To a file descriptor at an offset (which advances); the descriptor is never closed here. */
    static final class ToFd extends Request {
        private final FileDescriptor fd;
        private long offset;

        ToFd(AbstractCustomStreamChannel source, FileDescriptor fd, long offset, int len, ChannelPromise promise) {
            super(source, len, promise);
            this.fd = fd;
            this.offset = offset;
        }

        @Override
        int run() {
            if (len == 0) {
                promise.trySuccess();
                return DONE;
            }
            int[] pipe = null;
            try {
                pipe = Pipes.open();
                boolean[] eof = new boolean[1];
                int budget = MAX_PER_TURN;
                for (;;) {
                    // The pipe is empty here, so moving nothing means the socket ran dry.
                    int moved = spliceIn(pipe[1], eof, budget);
                    consumed(moved);
                    budget -= moved;
                    for (int left = moved; left > 0; ) {
                        int n = Pipes.splice(pipe[0], -1, fd.intValue(), offset, left);
                        if (n <= 0) {
                            throw new IOException("splice to fd " + fd.intValue() + " made no progress (" + n + ")");
                        }
                        offset += n;
                        left -= n;
                    }
                    if (len == 0) {
                        promise.trySuccess();
                        return DONE;
                    }
                    if (eof[0]) {
                        return EOF;
                    }
                    if (moved == 0) {
                        return WAIT;
                    }
                    if (budget <= 0) {
                        return MORE;
                    }
                }
            } catch (Throwable t) {
                promise.tryFailure(t);
                return DONE;
            } finally {
                Pipes.closeQuietly(pipe);
            }
        }
    }

    /** In the target's outbound buffer: moves {@code len} bytes from the target's pipe to its socket. */
    static final class Out {
        private final AbstractCustomStreamChannel source;
        private final AbstractCustomStreamChannel target;
        private final boolean resumeReading;
        private int len;

        Out(AbstractCustomStreamChannel source, AbstractCustomStreamChannel target, int len, boolean resumeReading) {
            this.source = source;
            this.target = target;
            this.len = len;
            this.resumeReading = resumeReading;
        }

        /** {@code true} once all of it is in the socket; {@code false} when the socket buffer is full. */
        boolean spliceOut() throws IOException {
            try {
                int n = Pipes.splice(target.splice().pipe()[0], -1, target.socket.intValue(), -1, len);
                if (n > 0) {
                    len -= n;
                }
                if (len == 0) {
                    resume();
                    return true;
                }
                return false;
            } catch (IOException e) {
                resume();
                throw e;
            }
        }

        private void resume() {
            if (resumeReading) {
                source.config().setAutoRead(true);
            }
            source.spliceResumed();
        }
    }

    /** One channel's side of splicing: its pending requests, and the pipe others splice into it through. */
    static final class Endpoint {
        private final Queue<Request> requests = new MpscUnboundedAtomicArrayQueue<>(16);
        /** {read end, write end}; made on the loop when first spliced into, closed with the channel. */
        private int[] pipe;
        private volatile boolean closed;

        boolean hasRequests() {
            return !requests.isEmpty();
        }

        /** Queues a request from any thread; fails it if the channel closed meanwhile. */
        void add(Request r) {
            requests.add(r);
            if (closed) {
                failAll();
            }
        }

        /**
         * Runs the requests in order on the loop until one waits: {@link #DONE} when none is left, else what the
         * waiting one came to.
         */
        int run() {
            for (Request r; (r = requests.peek()) != null; ) {
                int state = r.run();
                if (state != DONE) {
                    return state;
                }
                requests.poll();
            }
            return DONE;
        }

        int[] pipe() throws IOException {
            if (pipe == null) {
                pipe = Pipes.open();
            }
            return pipe;
        }

        /** The channel closed: fail what is queued and close the pipe. */
        void close() {
            closed = true;
            failAll();
            int[] p = pipe;
            pipe = null;
            Pipes.closeQuietly(p);
        }

        private void failAll() {
            ClosedChannelException cause = null;
            for (Request r; (r = requests.poll()) != null; ) {
                if (cause == null) {
                    cause = new ClosedChannelException();
                }
                r.promise.tryFailure(cause);
            }
        }
    }
}

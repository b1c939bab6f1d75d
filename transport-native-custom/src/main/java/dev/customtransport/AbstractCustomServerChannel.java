package dev.customtransport;

import dev.customtransport.internal.Errno;
import dev.customtransport.internal.SockAddr;
import dev.customtransport.internal.SocketFd;
import io.netty.channel.Channel;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ServerChannel;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/** A listening socket: binding, listening and the accept loop. */
public abstract class AbstractCustomServerChannel extends AbstractCustomChannel implements ServerChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    private static final long MIN_BACKOFF_MILLIS = 10;
    private static final long MAX_BACKOFF_MILLIS = 1000;
    private static final long REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    AbstractCustomServerChannel(SocketFd socket) {
        super(null, socket, false, METADATA, 0, false);
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
        readiness.becamePollable();
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
        /** Current pause after running out of descriptors or memory; 0 while accepting normally. */
        private long backoffMillis;
        private boolean acceptPaused;
        private long lastReportNanos = System.nanoTime() - REPORT_INTERVAL_NANOS;
        private long suppressedReports;
        /** The JFR event of the pause in progress, if a recording wants it. */
        private LoopEvents.AcceptBackoff backoffEvent;

        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException("a server channel cannot connect"));
        }

        @Override
        boolean readStopped() {
            if (acceptPaused) {
                // A read() during the pause re-armed the listener: pause it again; resumeAccepting() re-checks.
                readiness.readingPaused();
                return true;
            }
            return false;
        }

        @Override
        int readMessages(ReadHandle handle, ChannelPipeline pipeline) throws Exception {
            handle.attemptedBytesRead(1);
            do {
                int fd = socket.accept(peer);
                if (fd < 0) {
                    handle.lastBytesRead(-1);
                    return DRAINED;
                }
                backoffMillis = 0;
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
            return MORE;
        }

        @Override
        void readEnded(int outcome, Throwable failure) {
            if (failure != null && isResourceExhaustion(failure)) {
                pauseAccepting(failure);
            } else {
                super.readEnded(outcome, failure);
            }
        }

        @Override
        boolean readingSuspended() {
            return acceptPaused;
        }

        /**
         * Out of descriptors (or kernel memory): the pending connection stays queued and the listener stays
         * readable, so accepting again at once would spin. Stop listening for a while, doubling the pause while it
         * lasts, keep the listener open, and report at most once per interval.
         */
        private void pauseAccepting(Throwable cause) {
            acceptPaused = true;
            backoffMillis = backoffMillis == 0 ? MIN_BACKOFF_MILLIS : Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
            // The listener stays readable (the connection is still queued): it is re-checked on resume.
            readiness.readingPaused();
            eventLoop().schedule(this::resumeAccepting, backoffMillis, TimeUnit.MILLISECONDS);
            registration.loop.acceptBackoffStarted();
            backoffEvent = LoopEvents.acceptBackoffStarted(local, cause, backoffMillis);
            long now = System.nanoTime();
            if (now - lastReportNanos >= REPORT_INTERVAL_NANOS) {
                lastReportNanos = now;
                long suppressed = suppressedReports;
                suppressedReports = 0;
                pipeline().fireExceptionCaught(suppressed == 0 ? cause : new AcceptPausedException(
                        cause.getMessage() + " (" + suppressed + " more such failures since the last report)", cause));
            } else {
                suppressedReports++;
            }
        }

        private void resumeAccepting() {
            acceptPaused = false;
            LoopEvents.AcceptBackoff event = backoffEvent;
            if (event != null) {
                backoffEvent = null;
                LoopEvents.acceptBackoffEnded(event);
            }
            if (!isOpen()) {
                return;
            }
            if (readPending || config().isAutoRead()) {
                readiness.readingResumed();
            }
        }
    }

    static boolean isResourceExhaustion(Throwable t) {
        if (!(t instanceof NativeIoException)) {
            return false;
        }
        int errno = ((NativeIoException) t).errno();
        return errno == Errno.EMFILE || errno == Errno.ENFILE || errno == Errno.ENOBUFS || errno == Errno.ENOMEM;
    }

    /** Accepting is paused after repeated resource exhaustion; carries the failure that caused it. */
    static final class AcceptPausedException extends IOException {
        private static final long serialVersionUID = 1L;

        AcceptPausedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

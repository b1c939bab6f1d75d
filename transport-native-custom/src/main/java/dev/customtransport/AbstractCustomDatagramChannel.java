package dev.customtransport;

import dev.customtransport.internal.DatagramSockets;
import dev.customtransport.internal.Errors;
import dev.customtransport.internal.MessageArray;
import dev.customtransport.internal.SocketFd;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.UncheckedBooleanSupplier;
import io.netty.util.internal.StringUtil;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.NotYetConnectedException;
import java.util.ArrayList;
import java.util.List;

/**
 * What UDP and Unix datagram channels share: connectionless activity, connecting and disconnecting, the read
 * loop (recvmsg, or recvmmsg into slices of one buffer), and the write loop (sendmsg, or sendmmsg for a batch),
 * both through a {@link MessageArray}. A message that cannot be sent fails alone; the channel stays open.
 *
 * <p>The read loop is the shared one ({@link AbstractCustomUnsafe#readReady()}): a failed read is reported and the
 * loop goes on, since datagrams may remain behind an ICMP error.
 */
abstract class AbstractCustomDatagramChannel extends AbstractCustomChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(true, 16);

    volatile boolean connected;
    /** Datagrams of one read, collected before any is fired (a handler may write and reuse the MessageArray). */
    private final List<Object> received = new ArrayList<>();

    AbstractCustomDatagramChannel(SocketFd socket, boolean active) {
        // An idle datagram socket never reports HUP, so it may be polled from the start (active on registration).
        super(null, socket, active, METADATA, 0, true);
        connected = active && socket.remoteAddress() != null;
    }

    /** DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION. */
    abstract boolean isActiveOnOpen();

    /** The datagram size recvmmsg splits a receive buffer into; 0 reads one datagram per buffer. */
    abstract int maxDatagramPayloadSize();

    /** Binds the socket to {@code local} (its address type is the subclass's). */
    abstract void bindSocket(SocketAddress local) throws Exception;

    /** Connects the socket; datagram connects complete at once. */
    abstract void connectSocket(SocketAddress remote) throws Exception;

    /** The bound address as the kernel reports it. */
    abstract SocketAddress queryLocalAddress();

    /** A received datagram for the pipeline: {@code content} from message {@code i} of {@code array}. */
    abstract Object newPacket(ByteBuf content, MessageArray array, int i);

    /** The payload of an outbound message that {@code filterOutboundMessage} let through. */
    abstract ByteBuf contentOf(Object msg);

    /** Where an outbound message goes; null: to the connected peer. */
    abstract SocketAddress recipientOf(Object msg);

    /** The UDP GSO segment size of an outbound message; 0 for a plain datagram. */
    int segmentSizeOf(Object msg) {
        return 0;
    }

    @Override
    public boolean isActive() {
        return socket.isOpen() && (isActiveOnOpen() && isRegistered() || active);
    }

    public boolean isConnected() {
        return connected;
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        bindSocket(localAddress);
        local = queryLocalAddress();
        active = true;
    }

    @Override
    boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        if (localAddress != null) {
            doBind(localAddress);
        }
        connectSocket(remoteAddress);
        local = queryLocalAddress();
        connected = true;
        return true;
    }

    @Override
    protected void doDisconnect() throws Exception {
        DatagramSockets.disconnect(socket);
        connected = false;
        active = false;
        remote = null;
        local = queryLocalAddress();
    }

    @Override
    protected void doClose() throws Exception {
        super.doClose();
        connected = false;
    }

    @Override
    protected AbstractCustomUnsafe newUnsafe() {
        return new DatagramUnsafe();
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        int budget = config().getMaxMessagesPerWrite();
        boolean full = false;
        while (budget > 0) {
            Object msg = in.current();
            if (msg == null) {
                break;
            }
            try {
                MessageArray array = registration.scratch.messages();
                addToArray(array, msg, true);
                if (in.size() > 1) {
                    int limit = Math.min(budget, MessageArray.BATCH_MAX);
                    Object first = msg;
                    // The flushed messages after the current one, while they fit; one that cannot be added now
                    // (no peer, too many pieces) ends the batch and is tried on its own next.
                    in.forEachFlushedMessage(m -> m == first
                            || array.count() < limit && addToArray(array, m, false));
                }
                boolean conn = connected;
                int sent = array.count() == 1 ? array.sendOne(socket, conn) : array.sendAll(socket, conn);
                if (sent == 0) {
                    full = true;
                    break;
                }
                for (int i = 0; i < sent; i++) {
                    in.remove();
                }
                budget -= sent;
            } catch (IOException | RuntimeException e) {
                // Only this message failed: a datagram channel talks to many peers (netty#2665).
                budget--;
                in.remove(e);
            }
        }
        if (in.isEmpty()) {
            readiness.unwant(CustomIoOps.WRITE);
        } else {
            readiness.writeLoopStopped(full);
        }
    }

    /** Adds {@code msg}; {@code first}: it must go (else it throws); otherwise false when it cannot be added. */
    private boolean addToArray(MessageArray array, Object msg, boolean first) {
        SocketAddress recipient = recipientOf(msg);
        if (recipient == null && !connected) {
            if (first) {
                throw new NotYetConnectedException();
            }
            return false;
        }
        if (array.addSend(contentOf(msg), recipient, segmentSizeOf(msg), socket.isIpv6())) {
            return true;
        }
        if (first) {
            throw new IllegalArgumentException("a datagram of more buffer pieces than one sendmsg takes: "
                    + StringUtil.simpleClassName(msg));
        }
        return false;
    }

    final class DatagramUnsafe extends AbstractCustomUnsafe {
        @Override
        int readMessages(ReadHandle handle, ChannelPipeline pipeline) throws Exception {
            ByteBufAllocator allocator = config().getAllocator();
            int carried = takeCarriedError();
            try {
                do {
                    int n = readOnce(handle, allocator);
                    if (n == 0) {
                        if (carried != 0) {
                            // An ICMP error the event carried but recvmsg no longer sees (see takeCarriedError).
                            throw Errors.newDatagramException("recvmsg", -carried);
                        }
                        return DRAINED;
                    }
                    carried = 0;
                    handle.incMessagesRead(n);
                    readPending = false;
                    for (int i = 0; i < received.size(); i++) {
                        pipeline.fireChannelRead(received.set(i, null));
                    }
                    received.clear();
                    if (!socket.isOpen()) {
                        // Closed by a handler: the number may already be someone else's.
                        return DRAINED;
                    }
                // Any read that got something may be followed by more: datagrams are not a stream.
                } while (handle.continueReading(UncheckedBooleanSupplier.TRUE_SUPPLIER));
                return MORE;
            } catch (Throwable t) {
                for (Object o : received) {
                    ReferenceCountUtil.release(o);
                }
                received.clear();
                throw t;
            }
        }

        /** An error (an ICMP error on a connected socket, say) is reported once; datagrams may remain. */
        @Override
        boolean drainedAfter(Throwable failure) {
            return !socket.isOpen();
        }

        /** One recvmsg or recvmmsg into {@link #received}: the datagrams read, 0 when none was waiting. */
        private int readOnce(ReadHandle handle, ByteBufAllocator allocator) throws IOException {
            ByteBuf buf = handle.allocate(allocator);
            try {
                int size = maxDatagramPayloadSize();
                int writable = buf.writableBytes();
                int start = buf.writerIndex();
                int slots = size <= 0 ? 1 : Math.min(writable / size, MessageArray.BATCH_MAX);
                MessageArray array = registration.scratch.messages();
                boolean conn = connected;
                if (slots <= 1) {
                    array.addReceive(buf, start, writable);
                    handle.attemptedBytesRead(writable);
                    if (!array.receiveOne(socket, conn)) {
                        handle.lastBytesRead(-1);
                        return 0;
                    }
                    int bytes = array.result(0);
                    buf.writerIndex(start + bytes);
                    // At least 1: an empty datagram is a datagram, not the end of the input.
                    handle.lastBytesRead(Math.max(1, bytes));
                    addPackets(buf, array, 0);
                    buf = null;
                    return received.size();
                }
                for (int i = 0; i < slots; i++) {
                    array.addReceive(buf, start + i * size, size);
                }
                handle.attemptedBytesRead(slots * size);
                int n = array.receiveAll(socket, conn);
                if (n == 0) {
                    handle.lastBytesRead(-1);
                    return 0;
                }
                handle.lastBytesRead(n * size);
                for (int i = 0; i < n; i++) {
                    addPackets(buf.retainedSlice(start + i * size, array.result(i)), array, i);
                }
                return received.size();
            } finally {
                if (buf != null) {
                    buf.release();
                }
            }
        }

        /** Adds the datagram(s) of message {@code i}: a GRO-coalesced one is split at its segment size. */
        private void addPackets(ByteBuf content, MessageArray array, int i) {
            int segment = array.segmentSize(i);
            if (segment <= 0 || content.readableBytes() <= segment) {
                received.add(newPacket(content, array, i));
                return;
            }
            try {
                while (content.isReadable()) {
                    received.add(newPacket(content.readRetainedSlice(Math.min(content.readableBytes(), segment)),
                            array, i));
                }
            } finally {
                content.release();
            }
        }
    }
}

package dev.customtransport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * Wraps the user's allocator handle: buffers are always direct, and "may there be more to read" is answered by
 * this transport, not by the delegate's guess.
 */
final class ReadHandle extends RecvByteBufAllocator.DelegatingHandle
        implements RecvByteBufAllocator.ExtendedHandle, UncheckedBooleanSupplier {
    /**
     * Shared while the channel uses the default allocator, so an idle connection holds no wrapper of its own. Set
     * here, not on first read: loading its class then could meet a process out of descriptors (EMFILE), and a
     * class that failed to load from a class-path directory never loads (the listener's handle is made at its
     * first accept, while there are descriptors).
     */
    private DirectPreferringAllocator direct = DirectPreferringAllocator.DEFAULT;
    boolean receivedRdHup;

    ReadHandle(RecvByteBufAllocator.ExtendedHandle delegate) {
        super(delegate);
    }

    @Override
    public ByteBuf allocate(ByteBufAllocator alloc) {
        DirectPreferringAllocator d = direct;
        if (d.delegate != alloc) {
            d = DirectPreferringAllocator.of(alloc);
            direct = d;
        }
        return delegate().allocate(d);
    }

    /** {@link #maybeMoreDataToRead()}, as the supplier the delegate's continueReading asks (no lambda per channel). */
    @Override
    public boolean get() {
        return maybeMoreDataToRead();
    }

    /**
     * A read that filled its buffer may have left more behind. So may any read after the peer half-closed: the
     * end of the stream still has to be read, and in edge-triggered mode no new edge will announce it.
     */
    boolean maybeMoreDataToRead() {
        return receivedRdHup || lastBytesRead() == attemptedBytesRead();
    }

    /**
     * After the peer half-closed, a read that was asked for drains the stream to its end (as Netty's epoll
     * transport does), whatever autoRead and maxMessagesPerRead say: the end of the stream must be reached to be
     * reported, and in edge-triggered mode nothing will announce it again.
     */
    @Override
    public boolean continueReading() {
        return receivedRdHup && lastBytesRead() > 0
                || ((RecvByteBufAllocator.ExtendedHandle) delegate()).continueReading(this);
    }

    @Override
    public boolean continueReading(UncheckedBooleanSupplier supplier) {
        return ((RecvByteBufAllocator.ExtendedHandle) delegate()).continueReading(supplier);
    }
}

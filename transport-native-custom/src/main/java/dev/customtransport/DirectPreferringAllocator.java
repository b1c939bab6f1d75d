package dev.customtransport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * Hands out direct buffers for every kind of request, so that reads land in memory the kernel can write to
 * without a copy. The delegate is swapped per read loop (loop thread only).
 */
final class DirectPreferringAllocator implements ByteBufAllocator {
    static final int READ_SLACK = 16;

    static final DirectPreferringAllocator DEFAULT = new DirectPreferringAllocator(ByteBufAllocator.DEFAULT);

    final ByteBufAllocator delegate;

    private DirectPreferringAllocator(ByteBufAllocator delegate) {
        this.delegate = delegate;
    }

    /** The wrapper of {@code delegate}: one shared instance for the allocator most channels use. */
    static DirectPreferringAllocator of(ByteBufAllocator delegate) {
        return delegate == DEFAULT.delegate ? DEFAULT : new DirectPreferringAllocator(delegate);
    }

    @Override
    public ByteBuf buffer() {
        return delegate.directBuffer();
    }

    @Override
    public ByteBuf buffer(int initialCapacity) {
        return delegate.directBuffer(initialCapacity);
    }

    @Override
    public ByteBuf buffer(int initialCapacity, int maxCapacity) {
        return delegate.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public ByteBuf ioBuffer() {
        return delegate.directBuffer();
    }

    /**
     * What a read loop's allocator handle asks for: its guess of the next read's size, plus a little slack. With
     * the slack a message of exactly the guessed size no longer fills the buffer, so the read is short and proves
     * the socket drained; without it every such read "may have left more", and the next read meets EAGAIN (an
     * adaptive guess shrinks to exactly the message size under request/response traffic).
     */
    @Override
    public ByteBuf ioBuffer(int initialCapacity) {
        return delegate.directBuffer(initialCapacity + READ_SLACK);
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity, int maxCapacity) {
        return delegate.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public ByteBuf heapBuffer() {
        return delegate.heapBuffer();
    }

    @Override
    public ByteBuf heapBuffer(int initialCapacity) {
        return delegate.heapBuffer(initialCapacity);
    }

    @Override
    public ByteBuf heapBuffer(int initialCapacity, int maxCapacity) {
        return delegate.heapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public ByteBuf directBuffer() {
        return delegate.directBuffer();
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity) {
        return delegate.directBuffer(initialCapacity);
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity, int maxCapacity) {
        return delegate.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public CompositeByteBuf compositeBuffer() {
        return delegate.compositeDirectBuffer();
    }

    @Override
    public CompositeByteBuf compositeBuffer(int maxNumComponents) {
        return delegate.compositeDirectBuffer(maxNumComponents);
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer() {
        return delegate.compositeHeapBuffer();
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
        return delegate.compositeHeapBuffer(maxNumComponents);
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer() {
        return delegate.compositeDirectBuffer();
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        return delegate.compositeDirectBuffer(maxNumComponents);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return delegate.isDirectBufferPooled();
    }

    @Override
    public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
        return delegate.calculateNewCapacity(minNewCapacity, maxCapacity);
    }
}

package dev.customtransport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.internal.PlatformDependent;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A native array of {@code struct iovec} for gathering writes, filled from the flushed messages of a
 * {@link ChannelOutboundBuffer}. One per loop ({@link LoopScratch}), shared by its channels and cleared before each
 * use; bounded by IOV_MAX entries and by a byte limit the caller adapts to what the socket accepts.
 */
public final class IovArray implements ChannelOutboundBuffer.MessageProcessor {
    /** IOV_MAX, capped: more entries per call buy nothing once the socket buffer is full. */
    public static final int MAX_ENTRIES = Math.min(1024, Limits.IOV_MAX);
    private static final int ENTRY_SIZE = Limits.SIZEOF_IOVEC;
    private static final int LEN_OFFSET = ENTRY_SIZE / 2;

    private final ByteBuffer memory;
    private final long address;
    private int count;
    private long size;
    private long maxBytes = Long.MAX_VALUE;

    IovArray() {
        memory = ByteBuffer.allocateDirect(MAX_ENTRIES * ENTRY_SIZE).order(ByteOrder.nativeOrder());
        address = SocketNative.bufferAddress(memory);
    }

    public void clear() {
        count = 0;
        size = 0;
    }

    /** Stop adding once this many bytes are in the array (the first buffer is always taken whole). */
    public void maxBytes(long maxBytes) {
        this.maxBytes = Math.min(Limits.SSIZE_MAX, maxBytes);
    }

    public long maxBytes() {
        return maxBytes;
    }

    /**
     * Adds the readable bytes of {@code buf}, which must be direct or expose a memory address; false when it does
     * not fit (then nothing of it was added).
     */
    public boolean add(ByteBuf buf) {
        int len = buf.readableBytes();
        if (len == 0) {
            return true;
        }
        if (count > 0 && size + len > maxBytes) {
            return false;
        }
        if (buf.hasMemoryAddress()) {
            if (count == MAX_ENTRIES) {
                return false;
            }
            put(buf.memoryAddress() + buf.readerIndex(), len);
            return true;
        }
        int n = buf.nioBufferCount();
        if (count + n > MAX_ENTRIES) {
            return false;
        }
        if (n == 1) {
            putNio(buf.internalNioBuffer(buf.readerIndex(), len));
        } else {
            for (ByteBuffer nio : buf.nioBuffers(buf.readerIndex(), len)) {
                putNio(nio);
            }
        }
        return true;
    }

    private void putNio(ByteBuffer nio) {
        int len = nio.remaining();
        if (len == 0) {
            return;
        }
        long base = SocketNative.bufferAddress(nio);
        if (base == 0) {
            throw new IllegalArgumentException("not a direct buffer: " + nio);
        }
        put(base + nio.position(), len);
    }

    private void put(long addr, int len) {
        int off = count * ENTRY_SIZE;
        memory.putLong(off, addr);
        memory.putLong(off + LEN_OFFSET, len);
        count++;
        size += len;
    }

    @Override
    public boolean processMessage(Object msg) {
        return msg instanceof ByteBuf && add((ByteBuf) msg);
    }

    public long address() {
        return address;
    }

    public int count() {
        return count;
    }

    public long size() {
        return size;
    }

    /** Frees the native memory now; the array must not be used again. */
    void release() {
        PlatformDependent.freeDirectBuffer(memory);
    }
}

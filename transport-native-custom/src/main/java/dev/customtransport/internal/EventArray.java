package dev.customtransport.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The off-heap array the poller's wait call writes ready events into, decoded in place: no per-event object and
 * no JNI call per event. The layout of one entry (its size and where the 64-bit user data sits) comes from the
 * backend; the memory is a direct {@link ByteBuffer} so no {@code Unsafe} is needed to read it.
 */
public final class EventArray {
    private final int stride;
    private final int dataOffset;
    private final int flagsOffset;
    private final int maxCapacity;
    private ByteBuffer memory;
    private long address;
    private int capacity;

    public EventArray(int initialCapacity, int maxCapacity, int stride, int flagsOffset, int dataOffset) {
        if (initialCapacity <= 0 || maxCapacity < initialCapacity) {
            throw new IllegalArgumentException("capacity " + initialCapacity + " / max " + maxCapacity);
        }
        this.stride = stride;
        this.flagsOffset = flagsOffset;
        this.dataOffset = dataOffset;
        this.maxCapacity = maxCapacity;
        allocate(initialCapacity);
    }

    private void allocate(int newCapacity) {
        memory = ByteBuffer.allocateDirect(newCapacity * stride).order(ByteOrder.nativeOrder());
        address = SocketNative.bufferAddress(memory);
        capacity = newCapacity;
    }

    /** The native address the kernel writes to. */
    public long address() {
        return address;
    }

    /** How many entries fit. */
    public int capacity() {
        return capacity;
    }

    /** The 32-bit event flags of entry {@code i}. */
    public int flags(int i) {
        return memory.getInt(i * stride + flagsOffset);
    }

    /** The 64-bit user data (our token) of entry {@code i}. */
    public long data(int i) {
        return memory.getLong(i * stride + dataOffset);
    }

    /** A 16-bit field at {@code offset} within entry {@code i} (kqueue's filter and flags). */
    public short shortAt(int i, int offset) {
        return memory.getShort(i * stride + offset);
    }

    /** A 32-bit field at {@code offset} within entry {@code i}. */
    public int intAt(int i, int offset) {
        return memory.getInt(i * stride + offset);
    }

    /** A 64-bit field at {@code offset} within entry {@code i}. */
    public long longAt(int i, int offset) {
        return memory.getLong(i * stride + offset);
    }

    /** Writes a 16-bit field of entry {@code i} (backends that synthesise events). */
    public void putShort(int i, int offset, short value) {
        memory.putShort(i * stride + offset, value);
    }

    /** Writes a 32-bit field of entry {@code i}. */
    public void putInt(int i, int offset, int value) {
        memory.putInt(i * stride + offset, value);
    }

    /** Writes a 64-bit field of entry {@code i}. */
    public void putLong(int i, int offset, long value) {
        memory.putLong(i * stride + offset, value);
    }

    /** Writes an entry; used by tests and by backends that synthesise events. */
    public void put(int i, int flags, long data) {
        memory.putInt(i * stride + flagsOffset, flags);
        memory.putLong(i * stride + dataOffset, data);
    }

    /**
     * Called when a wait filled the whole event array: more events may be waiting, so the next wait gets twice the room
     * (up to the maximum). Only between waits, on the loop thread.
     */
    public boolean growIfFull(int filled) {
        if (filled < capacity || capacity >= maxCapacity) {
            return false;
        }
        allocate(Math.min(maxCapacity, capacity << 1));
        return true;
    }
}

package dev.customtransport;

import io.netty.channel.Channel;
import io.netty.channel.RecvByteBufAllocator;

/** Configuration shared by stream channels: the adaptive limit of one gathering write. */
public abstract class CustomStreamChannelConfig extends CustomChannelConfig {
    /** 0 until first needed: working it out may cost a syscall (SO_SNDBUF) that most connections never need. */
    private volatile long maxBytesPerGatheringWrite;

    CustomStreamChannelConfig(Channel channel, RecvByteBufAllocator allocator) {
        super(channel, allocator);
    }

    /** Whether the input may be shut while the output stays open (see {@code ChannelOption.ALLOW_HALF_CLOSURE}). */
    public abstract boolean isAllowHalfClosure();

    /** The most bytes one writev is handed; adapted to what the socket takes. */
    public long getMaxBytesPerGatheringWrite() {
        long max = maxBytesPerGatheringWrite;
        if (max == 0) {
            max = initialMaxBytesPerGatheringWrite();
            maxBytesPerGatheringWrite = max;
        }
        return max;
    }

    /** The limit before any adaptation; positive. */
    long initialMaxBytesPerGatheringWrite() {
        return Long.MAX_VALUE;
    }

    /** Sets the gathering-write limit (the transport adapts it from here). */
    public CustomStreamChannelConfig setMaxBytesPerGatheringWrite(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytesPerGatheringWrite: " + maxBytes + " (expected: > 0)");
        }
        this.maxBytesPerGatheringWrite = maxBytes;
        return this;
    }
}

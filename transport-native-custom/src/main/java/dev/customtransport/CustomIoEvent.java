package dev.customtransport;

import dev.customtransport.internal.Poller;
import io.netty.channel.IoEvent;

/**
 * What happened to a registration: {@link Poller} {@code EVENT_*} bits, plus {@link #QUEUED} when the event comes
 * from the loop's ready queue rather than from the kernel. One mutable instance per loop, valid only during the
 * {@code handle} call it is passed to (as {@link IoEvent} promises).
 */
final class CustomIoEvent implements IoEvent {
    static final int READABLE = Poller.EVENT_READABLE;
    static final int WRITABLE = Poller.EVENT_WRITABLE;
    static final int ERROR = Poller.EVENT_ERROR;
    static final int READ_CLOSED = Poller.EVENT_READ_CLOSED;
    static final int HUP = Poller.EVENT_HUP;
    /** Delivered from the ready queue: work the kernel will not announce again. */
    static final int QUEUED = 1 << 8;

    int bits;
    /** The socket error the kernel event carried ({@link Poller#socketError}), 0 if none or queued. */
    int socketError;

    boolean has(int bit) {
        return (bits & bit) != 0;
    }

    @Override
    public String toString() {
        return "CustomIoEvent(0x" + Integer.toHexString(bits) + ')';
    }
}

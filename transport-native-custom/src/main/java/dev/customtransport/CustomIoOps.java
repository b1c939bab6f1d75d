package dev.customtransport;

import dev.customtransport.internal.Poller;
import io.netty.channel.IoOps;

/**
 * The interest a channel submits to its {@link io.netty.channel.IoRegistration}: a set of {@link Poller}
 * {@code INTEREST_*} bits. Instances are cached, so submitting never allocates.
 */
final class CustomIoOps implements IoOps {
    static final int READ = Poller.INTEREST_READ;
    static final int WRITE = Poller.INTEREST_WRITE;
    static final int READ_CLOSED = Poller.INTEREST_READ_CLOSED;
    /** Transitions only: what edge-triggered readiness registers with the rest, once. */
    static final int EDGE = Poller.INTEREST_EDGE;
    private static final int ALL = READ | WRITE | READ_CLOSED | EDGE;

    private static final CustomIoOps[] CACHE = new CustomIoOps[ALL + 1];

    static {
        for (int i = 0; i <= ALL; i++) {
            CACHE[i] = new CustomIoOps(i);
        }
    }

    final int bits;

    private CustomIoOps(int bits) {
        this.bits = bits;
    }

    static CustomIoOps of(int bits) {
        if ((bits & ~ALL) != 0) {
            throw new IllegalArgumentException("unknown interest bits: 0x" + Integer.toHexString(bits));
        }
        return CACHE[bits];
    }

    boolean contains(int bit) {
        return (bits & bit) != 0;
    }

    /** The bits by the names epoll gives them, {@code "IN|OUT|RDHUP|ET"}; {@code "none"} for 0. */
    static String names(int bits) {
        if (bits == 0) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        int[] flags = {READ, WRITE, READ_CLOSED, EDGE};
        String[] names = {"IN", "OUT", "RDHUP", "ET"};
        for (int i = 0; i < flags.length; i++) {
            if ((bits & flags[i]) != 0) {
                b.append(b.length() == 0 ? "" : "|").append(names[i]);
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "CustomIoOps(" + ((bits & READ) != 0 ? "R" : "") + ((bits & WRITE) != 0 ? "W" : "")
                + ((bits & READ_CLOSED) != 0 ? "H" : "") + ((bits & EDGE) != 0 ? "E" : "") + ')';
    }
}

package dev.customtransport.internal;

/**
 * The native scratch memory of one event loop, lent to its channels for one system call at a time: the iovec array
 * of gathering writes, the message array of datagram batches, the buffer of received descriptors. Each part is
 * made on first use and freed when the loop is destroyed. It belongs to the loop, not to a thread, so it stays
 * right when Netty moves a loop to another thread (suspension, auto-scaling). Loop thread only.
 */
public final class LoopScratch {
    private IovArray iovs;
    private MessageArray messages;
    private int[] descriptors;

    /** The iovec array, cleared. */
    public IovArray iovs() {
        IovArray a = iovs;
        if (a == null) {
            iovs = a = new IovArray();
        }
        a.clear();
        return a;
    }

    /**
     * The message array, cleared. What a receive filled must be read out before the next user on this loop takes
     * it (a handler that writes a datagram from {@code channelRead} would).
     */
    public MessageArray messages() {
        MessageArray a = messages;
        if (a == null) {
            messages = a = new MessageArray();
        }
        a.clear();
        return a;
    }

    /** The buffer {@link UnixSockets#recvFds} fills. */
    public int[] descriptors() {
        int[] d = descriptors;
        if (d == null) {
            descriptors = d = UnixSockets.newFdBuffer();
        }
        return d;
    }

    /** Frees the native memory; the loop is being destroyed and no channel uses it any more. */
    public void release() {
        if (iovs != null) {
            iovs.release();
            iovs = null;
        }
        if (messages != null) {
            messages.release();
            messages = null;
        }
        descriptors = null;
    }
}

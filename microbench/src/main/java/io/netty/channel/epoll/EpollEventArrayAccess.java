package io.netty.channel.epoll;

/**
 * Opens Netty's package-private epoll event array to the microbench's {@code EventArrayDecodeBenchmark}, which
 * decodes it next to ours. Lives in Netty's package for that reason only; nothing else uses it.
 */
public final class EpollEventArrayAccess {
    private final EpollEventArray array;

    public EpollEventArrayAccess(int length) {
        Epoll.ensureAvailability();
        array = new EpollEventArray(length);
    }

    public long memoryAddress() {
        return array.memoryAddress();
    }

    public int events(int i) {
        return array.events(i);
    }

    public int fd(int i) {
        return array.fd(i);
    }

    public void free() {
        array.free();
    }
}

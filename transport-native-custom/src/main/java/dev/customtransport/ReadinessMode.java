package dev.customtransport;

/**
 * How the kernel reports that a socket is ready.
 *
 * <ul>
 *   <li>{@link #LEVEL_TRIGGERED} (the default): the poller reports a socket for as long as it is readable or
 *   writable, so interest in reading and writing is switched on and off as Netty's epoll transport does; changes
 *   made during one loop iteration are coalesced.</li>
 *   <li>{@link #EDGE_TRIGGERED}: the socket is registered once for input, output and peer half-close, and the kernel
 *   reports only transitions. The loop keeps every channel that still has work the kernel will not announce again
 *   (a read stopped by {@code maxMessagesPerRead}, a flush that used up its spin budget, a {@code read()} after
 *   autoRead was off) on a ready queue, so no byte and no event is lost, and no {@code epoll_ctl} is made in
 *   steady state.</li>
 * </ul>
 *
 * <p>Chosen per event loop, and overridable per channel before it is registered:
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(CustomIoHandler.newFactory(ReadinessMode.EDGE_TRIGGERED));
 * new Bootstrap().group(group).channel(CustomSocketChannel.class)
 *     .option(CustomChannelOption.READINESS_MODE, ReadinessMode.LEVEL_TRIGGERED);
 * }</pre>
 */
public enum ReadinessMode {
    LEVEL_TRIGGERED,
    EDGE_TRIGGERED
}

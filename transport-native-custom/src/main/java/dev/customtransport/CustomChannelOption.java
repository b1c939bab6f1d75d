package dev.customtransport;

import io.netty.channel.ChannelOption;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.UnixChannelOption;

import java.net.InetAddress;
import java.util.Map;

/**
 * Channel options this transport adds to Netty's {@link ChannelOption}s.
 *
 * <pre>{@code
 * new ServerBootstrap()
 *     .option(CustomChannelOption.SO_REUSEPORT, true)
 *     .childOption(CustomChannelOption.TCP_KEEPIDLE, 60)
 *     .childOption(CustomChannelOption.READINESS_MODE, ReadinessMode.EDGE_TRIGGERED);
 * }</pre>
 *
 * <p>Every Linux option of Netty's epoll transport is here, and each constant <em>is</em> Netty's: Netty pools
 * options by name, and these are created under the names {@code EpollChannelOption} and {@code UnixChannelOption}
 * use. So {@code EpollChannelOption.TCP_CORK == CustomChannelOption.TCP_CORK}, and an application that configures
 * its bootstraps with {@code EpollChannelOption}s keeps doing so unchanged (with Netty's
 * {@code netty-transport-classes-epoll} jar, which holds that class, on its class path). A value the kernel refuses
 * is a {@link io.netty.channel.ChannelException} naming the option, the value and the errno.
 */
public final class CustomChannelOption {
    private CustomChannelOption() { }

    private static final String EPOLL = "io.netty.channel.epoll.EpollChannelOption#";

    /**
     * The readiness mode of one channel, overriding its loop's; only before the channel is registered (a change
     * afterwards throws {@link IllegalStateException}). Null means the loop's mode.
     */
    public static final ChannelOption<ReadinessMode> READINESS_MODE =
            ChannelOption.valueOf(CustomChannelOption.class, "READINESS_MODE");

    /** SO_REUSEPORT: several sockets may bind the same address and port; the kernel spreads the load. */
    public static final ChannelOption<Boolean> SO_REUSEPORT = UnixChannelOption.SO_REUSEPORT;

    /** How a {@link CustomDomainSocketChannel} reads: bytes, or file descriptors passed with SCM_RIGHTS. */
    public static final ChannelOption<DomainSocketReadMode> DOMAIN_SOCKET_READ_MODE =
            UnixChannelOption.DOMAIN_SOCKET_READ_MODE;

    /** TCP_CORK: hold partial segments until uncorked (or 200 ms). */
    public static final ChannelOption<Boolean> TCP_CORK = ChannelOption.valueOf(EPOLL + "TCP_CORK");
    /** TCP_NOTSENT_LOWAT: bytes of unsent data below which the socket reports writable. */
    public static final ChannelOption<Long> TCP_NOTSENT_LOWAT = ChannelOption.valueOf(EPOLL + "TCP_NOTSENT_LOWAT");
    /** TCP_KEEPIDLE: seconds of idleness before keepalive probes start (with SO_KEEPALIVE). */
    public static final ChannelOption<Integer> TCP_KEEPIDLE = ChannelOption.valueOf(EPOLL + "TCP_KEEPIDLE");
    /** TCP_KEEPINTVL: seconds between keepalive probes. */
    public static final ChannelOption<Integer> TCP_KEEPINTVL = ChannelOption.valueOf(EPOLL + "TCP_KEEPINTVL");
    /** TCP_KEEPCNT: unanswered probes before the connection is dropped. */
    public static final ChannelOption<Integer> TCP_KEEPCNT = ChannelOption.valueOf(EPOLL + "TCP_KEEPCNT");
    /** TCP_USER_TIMEOUT: milliseconds unacknowledged data may stay before the connection is dropped. */
    public static final ChannelOption<Integer> TCP_USER_TIMEOUT = ChannelOption.valueOf(EPOLL + "TCP_USER_TIMEOUT");
    /** TCP_QUICKACK: acknowledge at once instead of delaying (the kernel may clear it again). */
    public static final ChannelOption<Boolean> TCP_QUICKACK = ChannelOption.valueOf(EPOLL + "TCP_QUICKACK");
    /** TCP_DEFER_ACCEPT (server): seconds to wait for data before accept reports a connection. */
    public static final ChannelOption<Integer> TCP_DEFER_ACCEPT = ChannelOption.valueOf(EPOLL + "TCP_DEFER_ACCEPT");
    /** SO_BUSY_POLL: microseconds to busy-poll the device queue on a blocking read (raising it needs CAP_NET_ADMIN). */
    public static final ChannelOption<Integer> SO_BUSY_POLL = ChannelOption.valueOf(EPOLL + "SO_BUSY_POLL");
    /** TCP_MD5SIG: the RFC 2385 key per peer address (at most 80 bytes each); set only. */
    public static final ChannelOption<Map<InetAddress, byte[]>> TCP_MD5SIG = ChannelOption.valueOf("TCP_MD5SIG");
    /** IP_FREEBIND: bind to an address that is not (yet) local. */
    public static final ChannelOption<Boolean> IP_FREEBIND = ChannelOption.valueOf("IP_FREEBIND");
    /** IP_TRANSPARENT: bind to and answer for foreign addresses (needs CAP_NET_ADMIN). */
    public static final ChannelOption<Boolean> IP_TRANSPARENT = ChannelOption.valueOf("IP_TRANSPARENT");
    /** IP_BIND_ADDRESS_NO_PORT: choose the local port at connect, not at bind (netty/netty#14196). */
    public static final ChannelOption<Boolean> IP_BIND_ADDRESS_NO_PORT =
            ChannelOption.valueOf("IP_BIND_ADDRESS_NO_PORT");
    /** IP_RECVORIGDSTADDR (datagram): each packet's recipient is its original destination address. */
    public static final ChannelOption<Boolean> IP_RECVORIGDSTADDR = ChannelOption.valueOf("IP_RECVORIGDSTADDR");
    /** IP_MULTICAST_ALL (datagram): receive every group joined on the host, not only this socket's; off by default. */
    public static final ChannelOption<Boolean> IP_MULTICAST_ALL = ChannelOption.valueOf("IP_MULTICAST_ALL");
    /** Datagram: read with recvmmsg, splitting the receive buffer into datagrams of this size; 0 reads one. */
    public static final ChannelOption<Integer> MAX_DATAGRAM_PAYLOAD_SIZE =
            ChannelOption.valueOf("MAX_DATAGRAM_PAYLOAD_SIZE");
    /** UDP_GRO (datagram): let the kernel coalesce datagrams; they are split again before they reach the pipeline. */
    public static final ChannelOption<Boolean> UDP_GRO = ChannelOption.valueOf("UDP_GRO");
    /** TCP_FASTOPEN: on a server, the length of the fast-open queue (Netty's own option). */
    public static final ChannelOption<Integer> TCP_FASTOPEN = ChannelOption.TCP_FASTOPEN;
    /**
     * TCP_FASTOPEN_CONNECT: on a {@link CustomSocketChannel}, send the first data with the SYN (Netty's own option).
     * Write the data without flushing, then connect: the first buffer goes out with sendto(MSG_FASTOPEN). If the
     * kernel has no fast-open cookie for the server yet, the connect is an ordinary one and the data stays queued
     * until it is confirmed. Takes effect where {@link Custom#isTcpFastOpenClientSideAvailable()}.
     */
    public static final ChannelOption<Boolean> TCP_FASTOPEN_CONNECT = ChannelOption.TCP_FASTOPEN_CONNECT;
}

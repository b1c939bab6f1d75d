package dev.customtransport.vertx;

import dev.customtransport.Custom;
import dev.customtransport.IdleStrategy;
import dev.customtransport.ReadinessMode;
import io.vertx.core.transport.Transport;

import java.util.Objects;

/**
 * Vert.x 5 on transport-native-custom. Give it to the builder, and every event loop, TCP, HTTP, WebSocket, UDP,
 * DNS and Unix domain socket channel of that {@code Vertx} is this transport's:
 *
 * <pre>{@code
 * Vertx vertx = Vertx.builder().withTransport(CustomVertxTransport.create()).build();
 *
 * // edge-triggered loops that spin 50 µs before they block
 * Vertx vertx = Vertx.builder()
 *     .withTransport(CustomVertxTransport.create(ReadinessMode.EDGE_TRIGGERED,
 *             IdleStrategy.spinThenPark(Duration.ofNanos(50_000))))
 *     .build();
 * }</pre>
 *
 * <p>Where this transport cannot load, Vert.x itself falls back to NIO, as it does for its own native transports:
 * {@code vertx.isNativeTransportEnabled()} is then false and {@code vertx.unavailableNativeTransportCause()} says
 * why. Call {@link Custom#ensureAvailability()} first to fail instead.
 *
 * <p>Vert.x lines: 5.0 and 5.1/5.2 have different transport SPIs; the SPI implementation of the running line is
 * chosen when this class is created (tested with 5.0.7, 5.1.10 and 5.2.3). Vert.x's TCP options go to the channels
 * as Vert.x's own {@code EpollTransport} sends them to epoll's:
 * <table>
 *   <caption>Vert.x options and the socket options they set</caption>
 *   <tr><th>Vert.x ({@code NetServerOptions}, {@code NetClientOptions}, {@code HttpServerOptions}, ...)</th>
 *       <th>on the server</th><th>on the client</th></tr>
 *   <tr><td>{@code reusePort}</td><td>SO_REUSEPORT (listener)</td><td></td></tr>
 *   <tr><td>{@code tcpFastOpen}</td><td>TCP_FASTOPEN, queue 256 (5.1+: the configured value)</td>
 *       <td>TCP_FASTOPEN_CONNECT</td></tr>
 *   <tr><td>{@code tcpCork}, {@code tcpQuickAck}, {@code tcpUserTimeout}</td>
 *       <td>TCP_CORK, TCP_QUICKACK, TCP_USER_TIMEOUT (accepted sockets)</td>
 *       <td>TCP_CORK, TCP_QUICKACK, TCP_USER_TIMEOUT</td></tr>
 *   <tr><td>{@code tcpKeepAliveIdleSeconds}, {@code ...IntervalSeconds}, {@code ...Count} (5.1+; 0 leaves the
 *       system default)</td><td>TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT (accepted sockets)</td>
 *       <td>TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT</td></tr>
 *   <tr><td>{@code DatagramSocketOptions.reusePort}</td><td colspan="2">SO_REUSEPORT</td></tr>
 *   <tr><td>{@code DatagramSocketOptions} multicast TTL, loopback, interface</td><td colspan="2">IP_MULTICAST_TTL,
 *       IP_MULTICAST_LOOP, IP_MULTICAST_IF (Vert.x applies these to NIO only; our channel has them too)</td></tr>
 * </table>
 * Everything else (buffer sizes, TCP_NODELAY, SO_KEEPALIVE, SO_LINGER, traffic class, backlog, ...) Vert.x sets
 * itself, as for any transport.
 */
public final class CustomVertxTransport implements Transport {
    /** What {@link #name()} returns. */
    public static final String NAME = "transport-native-custom";

    private final ReadinessMode mode;
    private final IdleStrategy idle;
    private final io.vertx.core.spi.transport.Transport implementation;

    private CustomVertxTransport(ReadinessMode mode, IdleStrategy idle) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.idle = Objects.requireNonNull(idle, "idle");
        this.implementation = VertxTransportSpi.forRunningVertx(mode, idle);
    }

    /** Level-triggered loops that block when idle. */
    public static CustomVertxTransport create() {
        return create(ReadinessMode.LEVEL_TRIGGERED, IdleStrategy.park());
    }

    /** Loops with readiness {@code mode} that block when idle. */
    public static CustomVertxTransport create(ReadinessMode mode) {
        return create(mode, IdleStrategy.park());
    }

    /** Loops with readiness {@code mode} that spend idle time as {@code idle} says. */
    public static CustomVertxTransport create(ReadinessMode mode, IdleStrategy idle) {
        return new CustomVertxTransport(mode, idle);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean available() {
        return Custom.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause() {
        return Custom.unavailabilityCause();
    }

    @Override
    public io.vertx.core.spi.transport.Transport implementation() {
        return implementation;
    }

    public ReadinessMode readinessMode() {
        return mode;
    }

    public IdleStrategy idleStrategy() {
        return idle;
    }

    @Override
    public String toString() {
        return NAME + '(' + mode + ", " + idle + ", Vert.x SPI " + implementation.getClass().getSimpleName() + ')';
    }
}

package dev.customtransport.reactor;

import dev.customtransport.CustomDatagramChannel;
import dev.customtransport.CustomDomainSocketChannel;
import dev.customtransport.CustomServerDomainSocketChannel;
import dev.customtransport.CustomServerSocketChannel;
import dev.customtransport.CustomSocketChannel;
import dev.customtransport.ReadinessMode;
import dev.customtransport.Transports;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http2.Http2StreamChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;
import reactor.netty.udp.UdpClient;
import reactor.netty.udp.UdpServer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * reactor-netty on {@link CustomLoopResources}, in both readiness modes: HTTP/1.1 and h2c with large and streamed
 * bodies, WebSocket, TCP and HTTP over Unix domain sockets, UDP; the channels reactor-netty made (seen through its
 * own connection hooks) are ours. Also: NIO when asked for, a separate acceptor group, disposal.
 */
class CustomLoopResourcesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private CustomLoopResources loops;
    private final List<Channel> serverChannels = new CopyOnWriteArrayList<>();
    private final List<Channel> clientChannels = new CopyOnWriteArrayList<>();

    @AfterEach
    void dispose() {
        if (loops != null) {
            loops.disposeLater(Duration.ZERO, TIMEOUT).block(TIMEOUT);
        }
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void httpAndH2cWithLargeAndStreamedBodies(ReadinessMode mode) {
        loops = CustomLoopResources.create("http-" + mode, mode);
        byte[] upload = random(8 * 1024 * 1024, 1);
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0).runOn(loops)
                .protocol(HttpProtocol.HTTP11, HttpProtocol.H2C)
                .doOnConnection(c -> serverChannels.add(c.channel()))
                .route(routes -> routes
                        .post("/echo", (req, res) -> res.send(req.receive().retain()))
                        .get("/stream", (req, res) -> res.sendString(Flux.range(0, 1000).map(i -> "line " + i + "\n")))
                        .get("/loop", (req, res) -> res.sendString(Mono.just(
                                String.valueOf(Schedulers.isInNonBlockingThread())))))
                .bindNow(TIMEOUT);
        try {
            for (HttpProtocol protocol : new HttpProtocol[] {HttpProtocol.HTTP11, HttpProtocol.H2C}) {
                HttpClient client = HttpClient.create().runOn(loops).protocol(protocol)
                        .baseUrl("http://127.0.0.1:" + server.port())
                        .doOnConnected(c -> clientChannels.add(c.channel()));
                byte[] echoed = client.post().uri("/echo").send(Mono.just(Unpooled.wrappedBuffer(upload)))
                        .responseContent().aggregate().asByteArray().block(TIMEOUT);
                assertArrayEquals(upload, echoed, protocol.toString());
                String streamed = client.get().uri("/stream").responseContent().aggregate().asString()
                        .block(TIMEOUT);
                assertEquals(1000, streamed.split("\n").length);
                assertEquals("true", client.get().uri("/loop").responseContent().aggregate().asString()
                        .block(TIMEOUT), "loop threads are reactor NonBlocking threads");
            }
        } finally {
            server.disposeNow(TIMEOUT);
        }
        assertInstanceOf(CustomServerSocketChannel.class, server.channel());
        assertAll(CustomSocketChannel.class, serverChannels);
        assertAll(CustomSocketChannel.class, clientChannels);
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void webSocket(ReadinessMode mode) {
        loops = CustomLoopResources.create("ws-" + mode, mode);
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0).runOn(loops)
                .doOnConnection(c -> serverChannels.add(c.channel()))
                .route(routes -> routes.ws("/ws", (in, out) -> out.sendString(in.receive().asString())))
                .bindNow(TIMEOUT);
        try {
            List<String> replies = HttpClient.create().runOn(loops).doOnConnected(c -> clientChannels.add(c.channel()))
                    .websocket().uri("ws://127.0.0.1:" + server.port() + "/ws")
                    .handle((in, out) -> out.sendString(Flux.just("one", "two", "three"))
                            .then().thenMany(in.receive().asString().take(3)))
                    .collectList().block(TIMEOUT);
            assertEquals(List.of("one", "two", "three"), replies);
        } finally {
            server.disposeNow(TIMEOUT);
        }
        assertAll(CustomSocketChannel.class, serverChannels);
        assertAll(CustomSocketChannel.class, clientChannels);
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void tcpAndHttpOverUnixDomainSockets(ReadinessMode mode) {
        loops = CustomLoopResources.create("uds-" + mode, mode);
        DomainSocketAddress tcpPath = new DomainSocketAddress(dir.resolve("tcp.sock").toString());
        DisposableServer tcp = TcpServer.create().runOn(loops).bindAddress(() -> tcpPath)
                .doOnConnection(c -> serverChannels.add(c.channel()))
                .handle((in, out) -> out.send(in.receive().retain())).bindNow(TIMEOUT);
        DomainSocketAddress httpPath = new DomainSocketAddress(dir.resolve("http.sock").toString());
        DisposableServer http = HttpServer.create().runOn(loops).bindAddress(() -> httpPath)
                .doOnConnection(c -> serverChannels.add(c.channel()))
                .handle((req, res) -> res.sendString(Mono.just("over " + req.hostAddress()))).bindNow(TIMEOUT);
        try {
            Connection connection = TcpClient.create().runOn(loops).remoteAddress(() -> tcpPath)
                    .doOnConnected(c -> clientChannels.add(c.channel())).connectNow(TIMEOUT);
            connection.outbound().sendString(Mono.just("ping")).then().block(TIMEOUT);
            assertEquals("ping", connection.inbound().receive().asString().blockFirst(TIMEOUT));
            connection.disposeNow(TIMEOUT);

            String reply = HttpClient.create().runOn(loops).remoteAddress(() -> httpPath)
                    .doOnConnected(c -> clientChannels.add(c.channel()))
                    .get().uri("/").responseContent().aggregate().asString().block(TIMEOUT);
            assertTrue(reply.startsWith("over"), reply);
        } finally {
            tcp.disposeNow(TIMEOUT);
            http.disposeNow(TIMEOUT);
        }
        assertInstanceOf(CustomServerDomainSocketChannel.class, tcp.channel());
        assertInstanceOf(CustomServerDomainSocketChannel.class, http.channel());
        assertAll(CustomDomainSocketChannel.class, serverChannels);
        assertAll(CustomDomainSocketChannel.class, clientChannels);
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void udp(ReadinessMode mode) {
        loops = CustomLoopResources.create("udp-" + mode, mode);
        Connection server = UdpServer.create().host("127.0.0.1").port(0).runOn(loops)
                .handle((in, out) -> out.sendObject(in.receiveObject().cast(DatagramPacket.class)
                        .map(p -> new DatagramPacket(p.content().retain(), p.sender()))))
                .bindNow(TIMEOUT);
        Connection client = UdpClient.create().runOn(loops).remoteAddress(server::address).connectNow(TIMEOUT);
        try {
            assertInstanceOf(CustomDatagramChannel.class, server.channel());
            assertInstanceOf(CustomDatagramChannel.class, client.channel());
            client.outbound().sendString(Mono.just("datagram")).then().block(TIMEOUT);
            assertEquals("datagram", client.inbound().receive().asString(StandardCharsets.US_ASCII)
                    .blockFirst(TIMEOUT));
        } finally {
            client.disposeNow(TIMEOUT);
            server.disposeNow(TIMEOUT);
        }
    }

    @Test
    void acceptsOnASeparateSelectGroup() {
        loops = CustomLoopResources.builder("sel").workerCount(2).selectCount(1).build();
        EventLoopGroup select = loops.onServerSelect(true);
        EventLoopGroup workers = loops.onServer(true);
        assertFalse(select == workers);
        assertTrue(Transports.isCustom(select) && Transports.isCustom(workers));
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0).runOn(loops)
                .doOnConnection(c -> serverChannels.add(c.channel()))
                .handle((req, res) -> res.sendString(Mono.just("ok"))).bindNow(TIMEOUT);
        try {
            assertEquals("ok", HttpClient.create().runOn(loops).get().uri("http://127.0.0.1:" + server.port())
                    .responseContent().aggregate().asString().block(TIMEOUT));
            assertTrue(server.channel().eventLoop().parent() == select, "listener on the select group");
            assertSame(workers, serverChannels.get(0).eventLoop().parent(), "connection on the workers");
        } finally {
            server.disposeNow(TIMEOUT);
        }
    }

    @Test
    void givesNioLoopsAndChannelsWhenNativeIsDeclined() {
        loops = CustomLoopResources.create("nio");
        DisposableServer server = TcpServer.create().host("127.0.0.1").port(0).runOn(loops, false)
                .handle((in, out) -> out.send(in.receive().retain())).bindNow(TIMEOUT);
        try {
            Connection client = TcpClient.create().runOn(loops, false).remoteAddress(server::address)
                    .connectNow(TIMEOUT);
            assertInstanceOf(NioSocketChannel.class, client.channel());
            client.disposeNow(TIMEOUT);
        } finally {
            server.disposeNow(TIMEOUT);
        }
        assertInstanceOf(NioServerSocketChannel.class, server.channel());
        assertFalse(Transports.isCustom(loops.onServer(false)));
    }

    @Test
    void disposesEveryGroupItMade() {
        loops = CustomLoopResources.builder("dispose").workerCount(1).selectCount(1).build();
        EventLoopGroup server = loops.onServer(true);
        EventLoopGroup select = loops.onServerSelect(true);
        EventLoopGroup client = loops.onClient(true);
        EventLoopGroup nio = loops.onServer(false);
        assertTrue(Transports.isCustom(client.next()), "the colocated client group hands out our loops");
        loops.disposeLater(Duration.ZERO, TIMEOUT).block(TIMEOUT);
        assertTrue(loops.isDisposed());
        assertTrue(server.isTerminated() && select.isTerminated() && nio.isTerminated());
        assertThrows(IllegalStateException.class, () -> loops.onServer(true));
        loops.disposeLater().block(TIMEOUT); // again: nothing left to do
    }

    @Test
    void badInputNamesTheSetting() {
        assertEquals("workerCount: 0 (expected at least 1)", assertThrows(IllegalArgumentException.class,
                () -> CustomLoopResources.builder("x").workerCount(0)).getMessage());
        assertEquals("selectCount: 0 (expected at least 1, or -1)", assertThrows(IllegalArgumentException.class,
                () -> CustomLoopResources.builder("x").selectCount(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> CustomLoopResources.create(""));
        loops = CustomLoopResources.create("bad");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loops.onChannel(Channel.class, loops.onServer(true)));
        assertTrue(e.getMessage().startsWith("channelType: io.netty.channel.Channel"), e.getMessage());
    }

    private static void assertAll(Class<?> expected, List<Channel> channels) {
        assertFalse(channels.isEmpty(), "no channel seen");
        for (Channel seen : channels) {
            // an HTTP/2 stream is a child channel of the connection
            Channel ch = seen instanceof Http2StreamChannel ? seen.parent() : seen;
            assertInstanceOf(expected, ch);
            assertTrue(Transports.isCustom(ch.eventLoop()));
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}

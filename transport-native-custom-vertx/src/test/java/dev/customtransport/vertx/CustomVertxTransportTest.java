package dev.customtransport.vertx;

import dev.customtransport.CustomChannelOption;
import dev.customtransport.CustomDatagramChannel;
import dev.customtransport.CustomDomainSocketChannel;
import dev.customtransport.CustomServerDomainSocketChannel;
import dev.customtransport.CustomServerSocketChannel;
import dev.customtransport.CustomSocketChannel;
import dev.customtransport.ReadinessMode;
import dev.customtransport.Transports;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TCPSSLOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Vert.x on this transport, in both readiness modes, on the Vert.x line of the surefire execution (5.2, 5.1 or 5.0):
 * HTTP/1.1 with large, streamed and sendfile bodies, HTTP/2 cleartext, WebSocket, UDP, HTTP over a Unix domain
 * socket, and Vert.x's TCP options on the sockets. Each test lists the channels registered on Vert.x's loops while
 * its connections are open and checks they are ours (a channel of another transport could not register there).
 */
class CustomVertxTransportTest {
    /** Vert.x 5.1 added TcpConfig and the keep-alive options; 5.0 has neither. */
    private static final boolean LINE_51 = classExists("io.vertx.core.net.TcpConfig");

    @TempDir
    Path dir;

    private Vertx vertx;
    // Vert.x 5 closes a client that becomes unreachable (a Cleaner), even mid-request: each test keeps its clients
    // and closes them at its end.

    @AfterEach
    void closeVertx() throws Exception {
        if (vertx != null) {
            await(vertx.close());
        }
    }

    private Vertx start(ReadinessMode mode) {
        CustomVertxTransport transport = CustomVertxTransport.create(mode);
        vertx = Vertx.builder().withTransport(transport).build();
        assertTrue(vertx.isNativeTransportEnabled(), String.valueOf(vertx.unavailableNativeTransportCause()));
        assertTrue(Transports.isCustom(((VertxInternal) vertx).nettyEventLoopGroup()));
        assertTrue(Transports.isCustom(((VertxInternal) vertx).acceptorEventLoopGroup()));
        return vertx;
    }

    private List<Channel> channels() throws Exception {
        VertxInternal internal = (VertxInternal) vertx;
        return LoopChannels.of(internal.acceptorEventLoopGroup(), internal.nettyEventLoopGroup());
    }

    @Test
    void runsTheSpiOfTheVertxLineOnTheClassPath() throws Exception {
        String version;
        try (InputStream in = Vertx.class.getResourceAsStream("/META-INF/vertx/vertx-version.txt")) {
            version = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        assertEquals(System.getProperty("vertx.expected.version"), version);
        Class<?> spi = CustomVertxTransport.create().implementation().getClass();
        assertEquals(version.startsWith("5.0.") ? Vertx50Spi.class : Vertx51Spi.class, spi);
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void http1LargeStreamedAndSendfileBodies(ReadinessMode mode) throws Exception {
        start(mode);
        byte[] upload = random(8 * 1024 * 1024, 1);
        byte[] chunk = random(64 * 1024, 2);
        Path file = dir.resolve("file.bin");
        Files.write(file, random(4 * 1024 * 1024 + 17, 3));
        HttpServer server = await(vertx.createHttpServer().requestHandler(request -> {
            HttpServerResponse response = request.response();
            switch (request.path()) {
                case "/echo":
                    request.body().onSuccess(response::end);
                    break;
                case "/stream":
                    response.setChunked(true);
                    for (int i = 0; i < 64; i++) {
                        response.write(Buffer.buffer(chunk));
                    }
                    response.end();
                    break;
                default:
                    response.sendFile(file.toString());
            }
        }).listen(0, "127.0.0.1"));
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultPort(server.actualPort()));

        assertArrayEquals(upload, await(client.request(HttpMethod.POST, "/echo")
                .compose(request -> request.send(Buffer.buffer(upload))).compose(HttpClientResponse::body)).getBytes());
        Buffer streamed = await(client.request(HttpMethod.GET, "/stream")
                .compose(request -> request.send()).compose(HttpClientResponse::body));
        assertEquals(64 * chunk.length, streamed.length());
        assertArrayEquals(chunk, streamed.getBytes(63 * chunk.length, 64 * chunk.length));
        assertArrayEquals(Files.readAllBytes(file), await(client.request(HttpMethod.GET, "/file")
                .compose(request -> request.send()).compose(HttpClientResponse::body)).getBytes());

        // the pooled keep-alive connection is still open: listener, accepted socket, client socket
        List<Channel> channels = channels();
        assertOurs(channels);
        assertTrue(channels.stream().anyMatch(ch -> ch instanceof CustomServerSocketChannel), channels::toString);
        assertTrue(channels.stream().anyMatch(ch -> ch instanceof CustomSocketChannel && ch.parent() != null),
                channels::toString);
        assertTrue(channels.stream().anyMatch(ch -> ch instanceof CustomSocketChannel && ch.parent() == null),
                channels::toString);
        await(client.close());
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void http2CleartextAndWebSocket(ReadinessMode mode) throws Exception {
        start(mode);
        HttpServer server = await(vertx.createHttpServer()
                .requestHandler(request -> request.response().end(request.version().name()))
                .webSocketHandler(ws -> ws.textMessageHandler(ws::writeTextMessage))
                .listen(0, "127.0.0.1"));
        HttpClient h2 = vertx.createHttpClient(new HttpClientOptions().setDefaultPort(server.actualPort())
                .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        for (int i = 0; i < 3; i++) {
            assertEquals("HTTP_2", await(h2.request(HttpMethod.GET, "/")
                    .compose(request -> request.send()).compose(HttpClientResponse::body)).toString());
        }

        BlockingQueue<String> echoed = new LinkedBlockingQueue<>();
        WebSocketClient wsClient = vertx.createWebSocketClient();
        WebSocket ws = await(wsClient.connect(server.actualPort(), "127.0.0.1", "/ws"));
        ws.textMessageHandler(echoed::add);
        String big = "x".repeat(200_000);
        await(ws.writeTextMessage("hello"));
        await(ws.writeTextMessage(big));
        assertEquals("hello", echoed.poll(10, TimeUnit.SECONDS));
        assertEquals(big, echoed.poll(10, TimeUnit.SECONDS));
        List<Channel> channels = channels();
        assertOurs(channels);
        assertTrue(channels.stream().anyMatch(ch -> ch instanceof CustomSocketChannel && ch.parent() != null),
                channels::toString);
        assertTrue(channels.stream().anyMatch(ch -> ch instanceof CustomSocketChannel && ch.parent() == null),
                channels::toString);
        await(ws.close());
        await(wsClient.close());
        await(h2.close());
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void udpDatagrams(ReadinessMode mode) throws Exception {
        start(mode);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        DatagramSocket receiver = await(vertx.createDatagramSocket()
                .handler(packet -> received.add(packet.data().toString()))
                .listen(0, "127.0.0.1"));
        DatagramSocket sender = vertx.createDatagramSocket();
        for (int i = 0; i < 3; i++) {
            await(sender.send("datagram " + i, receiver.localAddress().port(), "127.0.0.1"));
            assertEquals("datagram " + i, received.poll(10, TimeUnit.SECONDS));
        }
        List<Channel> channels = channels();
        assertOurs(channels);
        // the two sockets, and the one of Vert.x's DNS resolver
        assertTrue(channels.stream().filter(ch -> ch instanceof CustomDatagramChannel).count() >= 2,
                channels::toString);
        await(sender.close());
        await(receiver.close());
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void httpOverAUnixDomainSocket(ReadinessMode mode) throws Exception {
        start(mode);
        SocketAddress address = SocketAddress.domainSocketAddress(dir.resolve("http.sock").toString());
        await(vertx.createHttpServer().requestHandler(request -> request.body()
                .onSuccess(body -> request.response().end("got " + body.length()))).listen(address));
        HttpClient client = vertx.createHttpClient();
        byte[] body = random(1024 * 1024, 4);
        assertEquals("got " + body.length, await(client.request(new RequestOptions().setServer(address)
                        .setMethod(HttpMethod.PUT).setURI("/"))
                .compose(request -> request.send(Buffer.buffer(body))).compose(HttpClientResponse::body)).toString());
        List<Channel> channels = channels();
        assertOurs(channels);
        assertTrue(channels.stream().anyMatch(ch -> ch instanceof CustomServerDomainSocketChannel), channels::toString);
        assertTrue(channels.stream().filter(ch -> ch instanceof CustomDomainSocketChannel).count() >= 2,
                channels::toString);
        await(client.close());
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void tcpOptionsReachTheSockets(ReadinessMode mode) throws Exception {
        start(mode);
        // set through TCPSSLOptions: 5.0's NetServerOptions lacks some of the covariant setters 5.1 added
        NetServerOptions serverOptions = new NetServerOptions();
        NetClientOptions clientOptions = new NetClientOptions();
        tcp(serverOptions, 7_000, 61, 7, 5).setReusePort(true);
        tcp(clientOptions, 9_000, 62, 8, 4);
        NetServer server = await(vertx.createNetServer(serverOptions)
                .connectHandler(socket -> socket.handler(socket::write)).listen(0, "127.0.0.1"));
        NetClient netClient = vertx.createNetClient(clientOptions);
        NetSocket socket = await(netClient.connect(server.actualPort(), "127.0.0.1"));
        BlockingQueue<String> echoed = new LinkedBlockingQueue<>();
        socket.handler(buffer -> echoed.add(buffer.toString()));
        await(socket.write("ping"));
        assertEquals("ping", echoed.poll(10, TimeUnit.SECONDS));

        List<Channel> channels = channels();
        assertOurs(channels);
        Channel listener = channels.stream().filter(ch -> ch instanceof CustomServerSocketChannel).findFirst()
                .orElseThrow();
        Channel accepted = channels.stream().filter(ch -> ch instanceof CustomSocketChannel && ch.parent() != null)
                .findFirst().orElseThrow();
        Channel client = channels.stream().filter(ch -> ch instanceof CustomSocketChannel && ch.parent() == null)
                .findFirst().orElseThrow();
        assertEquals(true, listener.config().getOption(CustomChannelOption.SO_REUSEPORT));
        assertEquals(true, accepted.config().getOption(CustomChannelOption.TCP_CORK));
        assertEquals(7_000, accepted.config().getOption(CustomChannelOption.TCP_USER_TIMEOUT));
        assertEquals(true, accepted.config().getOption(ChannelOption.SO_KEEPALIVE));
        assertEquals(true, client.config().getOption(CustomChannelOption.TCP_CORK));
        assertEquals(9_000, client.config().getOption(CustomChannelOption.TCP_USER_TIMEOUT));
        assertEquals(true, client.config().getOption(ChannelOption.SO_KEEPALIVE));
        if (LINE_51) {
            assertEquals(61, accepted.config().getOption(CustomChannelOption.TCP_KEEPIDLE));
            assertEquals(7, accepted.config().getOption(CustomChannelOption.TCP_KEEPINTVL));
            assertEquals(5, accepted.config().getOption(CustomChannelOption.TCP_KEEPCNT));
            assertEquals(62, client.config().getOption(CustomChannelOption.TCP_KEEPIDLE));
            assertEquals(8, client.config().getOption(CustomChannelOption.TCP_KEEPINTVL));
            assertEquals(4, client.config().getOption(CustomChannelOption.TCP_KEEPCNT));
        }
        await(socket.close());
        await(netClient.close());
    }

    private static TCPSSLOptions tcp(TCPSSLOptions options, int userTimeout, int idle, int interval, int count) {
        options.setTcpCork(true);
        options.setTcpUserTimeout(userTimeout);
        options.setTcpKeepAlive(true);
        if (LINE_51) {
            options.setTcpKeepAliveIdleSeconds(idle);
            options.setTcpKeepAliveIntervalSeconds(interval);
            options.setTcpKeepAliveCount(count);
        }
        return options;
    }

    private static void assertOurs(List<Channel> channels) {
        assertTrue(!channels.isEmpty(), "no channel registered");
        for (Channel ch : channels) {
            assertTrue(ch.getClass().getName().startsWith("dev.customtransport.Custom"),
                    () -> "not ours: " + channels.stream().map(c -> c.getClass().getName())
                            .collect(Collectors.joining(", ")));
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static <T> T await(Future<T> future) throws Exception {
        T value = future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return value;
    }

    private static boolean classExists(String name) {
        try {
            Class.forName(name, false, CustomVertxTransportTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}

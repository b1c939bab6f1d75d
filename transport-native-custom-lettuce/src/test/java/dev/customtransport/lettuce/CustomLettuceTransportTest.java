package dev.customtransport.lettuce;

import dev.customtransport.CustomChannelOption;
import dev.customtransport.CustomDomainSocketChannel;
import dev.customtransport.CustomSocketChannel;
import dev.customtransport.ReadinessMode;
import dev.customtransport.Transports;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lettuce against a real redis-server on loopback, on this transport in both readiness modes: commands (sync,
 * pipelined async, a 4 MiB value), pub/sub, the socket options Lettuce asks for, and commands over the server's
 * Unix socket. The channels Lettuce used (seen by the application's own NettyCustomizer) are ours.
 */
class CustomLettuceTransportTest {
    @TempDir
    static Path dir;

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start(dir);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void commandsPipeliningLargeValuesAndPubSub(ReadinessMode mode) throws Exception {
        List<Channel> channels = new CopyOnWriteArrayList<>();
        CustomLettuceTransport transport = CustomLettuceTransport.create(mode)
                .withTcpUserTimeout(Duration.ofSeconds(20));
        ClientResources resources = transport.configure(ClientResources.builder(), 2)
                .nettyCustomizer(recording(channels)).build();
        RedisClient client = transport.newClient(resources, RedisURI.create("127.0.0.1", redis.port));
        client.setOptions(ClientOptions.builder().socketOptions(SocketOptions.builder()
                .keepAlive(SocketOptions.KeepAliveOptions.builder().enable().idle(Duration.ofSeconds(31))
                        .interval(Duration.ofSeconds(7)).count(4).build()).build()).build());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> sync = connection.sync();
            assertEquals("PONG", sync.ping());
            sync.set("key-" + mode, "value");
            assertEquals("value", sync.get("key-" + mode));

            List<CompletableFuture<Long>> increments = new ArrayList<>();
            connection.setAutoFlushCommands(false);
            for (int i = 0; i < 1000; i++) {
                increments.add(connection.async().incr("counter-" + mode).toCompletableFuture());
            }
            connection.flushCommands();
            connection.setAutoFlushCommands(true);
            assertEquals(1000L, increments.get(999).get(30, TimeUnit.SECONDS));

            byte[] big = new byte[4 * 1024 * 1024];
            new Random(7).nextBytes(big);
            String value = java.util.Base64.getEncoder().encodeToString(big);
            sync.set("big-" + mode, value);
            assertArrayEquals(big, java.util.Base64.getDecoder().decode(sync.get("big-" + mode)));

            BlockingQueue<String> messages = new LinkedBlockingQueue<>();
            try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub()) {
                sub.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        messages.add(message);
                    }
                });
                sub.sync().subscribe("news-" + mode);
                assertEquals(1L, sync.publish("news-" + mode, "hello"));
                assertEquals("hello", messages.poll(10, TimeUnit.SECONDS));
            }

            assertTrue(channels.size() >= 2, channels::toString);
            Channel command = channels.get(0);
            assertInstanceOf(CustomSocketChannel.class, command);
            for (Channel ch : channels) {
                assertInstanceOf(CustomSocketChannel.class, ch);
                assertTrue(Transports.isCustom(ch.eventLoop()));
            }
            assertEquals(true, command.config().getOption(ChannelOption.SO_KEEPALIVE));
            assertEquals(true, command.config().getOption(ChannelOption.TCP_NODELAY));
            assertEquals(31, command.config().getOption(CustomChannelOption.TCP_KEEPIDLE));
            assertEquals(7, command.config().getOption(CustomChannelOption.TCP_KEEPINTVL));
            assertEquals(4, command.config().getOption(CustomChannelOption.TCP_KEEPCNT));
            assertEquals(20_000, command.config().getOption(CustomChannelOption.TCP_USER_TIMEOUT));
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(10));
            resources.shutdown(0, 10, TimeUnit.SECONDS).get(15, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void overAUnixSocket(ReadinessMode mode) throws Exception {
        List<Channel> channels = new CopyOnWriteArrayList<>();
        CustomLettuceTransport transport = CustomLettuceTransport.create(mode);
        ClientResources resources = transport.configure(ClientResources.builder(), 1)
                .nettyCustomizer(recording(channels)).build();
        RedisClient client = transport.newClient(resources, RedisURI.Builder.socket(redis.socket.toString()).build());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().set("unix-" + mode, "value");
            assertEquals("value", connection.sync().get("unix-" + mode));
            assertEquals(1, channels.size(), channels::toString);
            assertInstanceOf(CustomDomainSocketChannel.class, channels.get(0));
            assertTrue(Transports.isCustom(channels.get(0).eventLoop()));
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(10));
            resources.shutdown(0, 10, TimeUnit.SECONDS).get(15, TimeUnit.SECONDS);
        }
    }

    @Test
    void badInputNamesTheSetting() {
        assertEquals("tcpUserTimeout: PT-1S (expected 0 to 2147483647 ms)", assertThrows(
                IllegalArgumentException.class,
                () -> CustomLettuceTransport.create().withTcpUserTimeout(Duration.ofSeconds(-1))).getMessage());
        assertFalse(CustomLettuceTransport.create().toString().isEmpty());
    }

    private static NettyCustomizer recording(List<Channel> channels) {
        return new NettyCustomizer() {
            @Override
            public void afterChannelInitialized(Channel channel) {
                channels.add(channel);
            }
        };
    }
}

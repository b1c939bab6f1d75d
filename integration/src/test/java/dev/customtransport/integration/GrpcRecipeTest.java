package dev.customtransport.integration;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.customtransport.CustomChannelOption;
import dev.customtransport.CustomDomainSocketChannel;
import dev.customtransport.CustomEventLoopGroup;
import dev.customtransport.CustomServerDomainSocketChannel;
import dev.customtransport.CustomServerSocketChannel;
import dev.customtransport.CustomSocketChannel;
import dev.customtransport.ReadinessMode;
import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gRPC recipe (unshaded grpc-netty, no adapter): server and channel builders given our loops and channel
 * classes, over TCP and over a Unix domain socket, in both readiness modes. Unary calls (with a 1 MiB message),
 * server streaming, and a deadline that expires (the server sees the cancellation). The channels registered on the
 * loops are ours, and no option grpc-netty sets is refused ("Unknown channel option" from Netty's bootstrap).
 */
class GrpcRecipeTest {
    private static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    private static final MethodDescriptor<String, String> ECHO = method("Echo", MethodDescriptor.MethodType.UNARY);
    private static final MethodDescriptor<String, String> LINES =
            method("Lines", MethodDescriptor.MethodType.SERVER_STREAMING);
    private static final MethodDescriptor<String, String> NEVER = method("Never", MethodDescriptor.MethodType.UNARY);

    @TempDir
    Path dir;

    private EventLoopGroup group;
    private Server server;
    private ManagedChannel channel;
    private final CountDownLatch cancelled = new CountDownLatch(1);
    private final ListAppender<ILoggingEvent> bootstrapLog = new ListAppender<>();

    private static MethodDescriptor<String, String> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<String, String>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName("test.Text", name))
                .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();
    }

    private ServerServiceDefinition service() {
        return ServerServiceDefinition.builder("test.Text")
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(request);
                    response.onCompleted();
                }))
                .addMethod(LINES, ServerCalls.asyncServerStreamingCall((request, response) -> {
                    for (int i = 0; i < Integer.parseInt(request); i++) {
                        response.onNext("line " + i);
                    }
                    response.onCompleted();
                }))
                .addMethod(NEVER, ServerCalls.asyncUnaryCall((request, response) ->
                        Context.current().addListener(context -> cancelled.countDown(), Runnable::run)))
                .build();
    }

    @BeforeEach
    void watchBootstrapWarnings() {
        bootstrapLog.start();
        ((Logger) LoggerFactory.getLogger("io.netty.bootstrap")).addAppender(bootstrapLog);
    }

    @AfterEach
    void tearDown() throws Exception {
        ((Logger) LoggerFactory.getLogger("io.netty.bootstrap")).detachAppender(bootstrapLog);
        if (channel != null) {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void overTcp(ReadinessMode mode) throws Exception {
        group = new CustomEventLoopGroup(2, mode);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .channelType(CustomServerSocketChannel.class)
                .bossEventLoopGroup(group).workerEventLoopGroup(group)
                // what grpc-netty takes from Netty's epoll only: TCP_USER_TIMEOUT for keepalive
                .withChildOption(CustomChannelOption.TCP_USER_TIMEOUT, 20_000)
                .addService(service()).build().start();
        channel = NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", server.getPort()))
                .channelType(CustomSocketChannel.class).eventLoopGroup(group).usePlaintext()
                .withOption(CustomChannelOption.TCP_USER_TIMEOUT, 20_000)
                .build();
        calls();
        List<Channel> channels = LoopChannels.of(group);
        assertEquals(1, count(channels, CustomServerSocketChannel.class, null), channels::toString);
        Channel client = only(channels, CustomSocketChannel.class, false);
        Channel accepted = only(channels, CustomSocketChannel.class, true);
        assertEquals(20_000, client.config().getOption(CustomChannelOption.TCP_USER_TIMEOUT));
        assertEquals(20_000, accepted.config().getOption(CustomChannelOption.TCP_USER_TIMEOUT));
        assertEquals(true, client.config().getOption(ChannelOption.TCP_NODELAY));
        assertNoOptionRefused();
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void overAUnixDomainSocket(ReadinessMode mode) throws Exception {
        group = new CustomEventLoopGroup(2, mode);
        DomainSocketAddress address = new DomainSocketAddress(dir.resolve("grpc.sock").toString());
        server = NettyServerBuilder.forAddress(address)
                .channelType(CustomServerDomainSocketChannel.class)
                .bossEventLoopGroup(group).workerEventLoopGroup(group)
                .addService(service()).build().start();
        channel = NettyChannelBuilder.forAddress(address)
                .channelType(CustomDomainSocketChannel.class, DomainSocketAddress.class)
                .eventLoopGroup(group).usePlaintext().build();
        calls();
        List<Channel> channels = LoopChannels.of(group);
        assertEquals(1, count(channels, CustomServerDomainSocketChannel.class, null), channels::toString);
        only(channels, CustomDomainSocketChannel.class, false);
        only(channels, CustomDomainSocketChannel.class, true);
        // grpc-netty sets SO_KEEPALIVE on every client channel; a Unix socket has no TCP keep-alive, and Netty's
        // EpollDomainSocketChannelConfig refuses it the same way (Netty's bootstrap logs it and goes on)
        assertEquals(List.of("SO_KEEPALIVE", "SO_KEEPALIVE"), refusedOptions());
    }

    private void calls() throws InterruptedException {
        assertEquals("hello", ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, "hello"));
        String big = "x".repeat(1024 * 1024);
        assertEquals(big, ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, big));

        List<String> lines = new ArrayList<>();
        Iterator<String> it = ClientCalls.blockingServerStreamingCall(channel, LINES, CallOptions.DEFAULT, "500");
        it.forEachRemaining(lines::add);
        assertEquals(500, lines.size());
        assertEquals("line 499", lines.get(499));

        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
                channel, NEVER, CallOptions.DEFAULT.withDeadlineAfter(300, TimeUnit.MILLISECONDS), "wait"));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
        assertTrue(cancelled.await(10, TimeUnit.SECONDS), "the server saw the call cancelled at its deadline");
    }

    private void assertNoOptionRefused() {
        assertEquals(List.of(), refusedOptions());
    }

    /** The options Netty's bootstrap reported as refused by a channel, by name. */
    private List<String> refusedOptions() {
        return bootstrapLog.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("Unknown channel option") || m.contains("Failed to set channel option"))
                .map(m -> m.replaceAll(".*channel option '([^']*)'.*", "$1"))
                .collect(Collectors.toList());
    }

    private static long count(List<Channel> channels, Class<?> type, Boolean accepted) {
        return channels.stream().filter(type::isInstance)
                .filter(ch -> accepted == null || (ch.parent() != null) == accepted).count();
    }

    private static Channel only(List<Channel> channels, Class<?> type, boolean accepted) {
        assertEquals(1, count(channels, type, accepted), channels::toString);
        return channels.stream().filter(type::isInstance).filter(ch -> (ch.parent() != null) == accepted)
                .findFirst().orElseThrow();
    }
}

package dev.customtransport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.util.internal.PlatformDependent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The option state a TCP config keeps to spare syscalls (TCP_NODELAY inherited from the listener or already set,
 * SO_LINGER known without asking) stays true to the kernel.
 */
class OptionStateTest {
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NODELAY = 1;
    private EventLoopGroup group;

    @BeforeEach
    void setUp() {
        group = new CustomEventLoopGroup(1);
    }

    @AfterEach
    void tearDown() throws Exception {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    @Test
    void acceptedSocketsHaveTcpNoDelayAndTheConfigTracksChanges() throws Exception {
        CompletableFuture<CustomSocketChannel> accepted = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(CustomServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.complete((CustomSocketChannel) ch);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Channel client = new Bootstrap().group(group).channel(CustomSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).sync().channel();
        try {
            CustomSocketChannelConfig config = accepted.get(10, TimeUnit.SECONDS).config();
            // isTcpNoDelay asks the kernel: on, whether inherited from the listener or set by the config.
            assertTrue(config.isTcpNoDelay());
            config.setTcpNoDelay(false);
            assertFalse(config.isTcpNoDelay());
            config.setTcpNoDelay(false);
            assertFalse(config.isTcpNoDelay());
            config.setTcpNoDelay(true);
            assertTrue(config.isTcpNoDelay());
            assertTrue(((CustomSocketChannel) client).config().isTcpNoDelay());
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    /**
     * A raw option may set TCP_NODELAY behind the config's tracking, on the socket or on its listener (whose value
     * accepted sockets inherit): the config must not trust what it remembers afterwards.
     */
    @Test
    void rawOptionsMakeTheTrackedStateUnknown() throws Exception {
        assumeTrue("linux".equals(PlatformDependent.normalizedOs()), "Linux option numbers");
        IntegerUnixChannelOption rawNoDelay = new IntegerUnixChannelOption("RAW_TCP_NODELAY", IPPROTO_TCP, TCP_NODELAY);
        CompletableFuture<CustomSocketChannel> accepted = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(group).channel(CustomServerSocketChannel.class)
                .option(rawNoDelay, 0) // on the listener: inherited by what it accepts
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.complete((CustomSocketChannel) ch);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        CustomSocketChannel client = (CustomSocketChannel) new Bootstrap().group(group)
                .channel(CustomSocketChannel.class).handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).sync().channel();
        try {
            CustomSocketChannelConfig child = accepted.get(10, TimeUnit.SECONDS).config();
            assertTrue(child.isTcpNoDelay(), "the child set Netty's default itself, not trusting the listener");
            assertTrue(client.config().setOption(rawNoDelay, 0));
            assertFalse(client.config().isTcpNoDelay());
            client.config().setTcpNoDelay(true);
            assertTrue(client.config().isTcpNoDelay(), "a raw set made the remembered value unknown");
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    /**
     * With SO_LINGER set and unsent data to a peer that does not read, close(2) blocks for the linger time; the
     * close must happen off the loop, which keeps serving tasks meanwhile.
     */
    @Test
    void closeWithLingerDoesNotBlockTheLoop() throws Exception {
        Channel server = PeerFaultsTest.bindNonReading(group);
        CustomSocketChannel client = (CustomSocketChannel) new Bootstrap().group(group)
                .channel(CustomSocketChannel.class)
                .option(ChannelOption.SO_SNDBUF, 4096)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(server.localAddress()).sync().channel();
        try {
            client.writeAndFlush(Unpooled.wrappedBuffer(new byte[4 * 1024 * 1024]));
            client.config().setSoLinger(3);
            assertEquals(3, client.config().getSoLinger());
            long start = System.nanoTime();
            client.close();
            // A task queued behind the close runs long before the 3 s linger could end.
            client.eventLoop().submit(() -> { }).get(10, TimeUnit.SECONDS);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(tookMs < 1500, "the loop was blocked for " + tookMs + " ms by a lingering close");
            assertTrue(client.closeFuture().await(10, TimeUnit.SECONDS));
        } finally {
            server.close().sync();
        }
    }
}

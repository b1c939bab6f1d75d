package dev.customtransport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link CustomChannelOption#READINESS_MODE} overrides the loop's mode per channel, and only before registration. */
class ReadinessModeOptionTest {

    @Test
    void perChannelModeOverridesTheLoopsAndIsFixedOnceRegistered() throws Exception {
        EventLoopGroup group = new CustomEventLoopGroup(1, ReadinessMode.LEVEL_TRIGGERED);
        try {
            CompletableFuture<Channel> child = new CompletableFuture<>();
            Channel server = new ServerBootstrap().group(group).channel(CustomServerSocketChannel.class)
                    .childOption(CustomChannelOption.READINESS_MODE, ReadinessMode.EDGE_TRIGGERED)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            child.complete(ctx.channel());
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            Channel client = new Bootstrap().group(group).channel(CustomSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(server.localAddress()).sync().channel();
            AbstractCustomChannel accepted = (AbstractCustomChannel) child.get(10, TimeUnit.SECONDS);

            assertNull(server.config().getOption(CustomChannelOption.READINESS_MODE), "follows the loop");
            assertFalse(((AbstractCustomChannel) server).readiness.mode() == ReadinessMode.EDGE_TRIGGERED);
            assertFalse(((AbstractCustomChannel) client).readiness.mode() == ReadinessMode.EDGE_TRIGGERED);
            assertEquals(ReadinessMode.EDGE_TRIGGERED, accepted.config().getOption(CustomChannelOption.READINESS_MODE));
            assertTrue(accepted.readiness.mode() == ReadinessMode.EDGE_TRIGGERED, "the child option took effect on a level-triggered loop");

            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> client.config().setOption(CustomChannelOption.READINESS_MODE, ReadinessMode.EDGE_TRIGGERED));
            assertTrue(e.getMessage().contains("READINESS_MODE"), e.getMessage());
            assertFalse(((AbstractCustomChannel) client).readiness.mode() == ReadinessMode.EDGE_TRIGGERED, "unchanged after the refusal");
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }
}

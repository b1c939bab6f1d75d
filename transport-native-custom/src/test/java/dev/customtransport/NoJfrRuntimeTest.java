package dev.customtransport;

import dev.customtransport.internal.Emulator;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A runtime without the jdk.jfr module (a jlink image made without it): the loop, a server channel and the dump work,
 * and no JFR event class is loaded. Run in a child JVM limited to the modules Netty and the transport need.
 */
class NoJfrRuntimeTest {

    @Test
    void theTransportRunsWithoutJfr() throws Exception {
        // Which classes load is decided in Java, the same on every platform.
        Assumptions.assumeTrue(Emulator.name().isEmpty(), () -> "the native run checks it; under " + Emulator.name()
                + " a second emulated JVM adds eight seconds for no native code of its own");
        String java = Emulator.java();
        ProcessBuilder pb = new ProcessBuilder(java, "--limit-modules", "java.base,java.logging,jdk.unsupported",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Child.class.getName());
        pb.redirectErrorStream(true);
        Process child = pb.start();
        String out;
        try (InputStream in = child.getInputStream()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            out = bytes.toString(StandardCharsets.UTF_8);
        }
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        System.out.println("[no-jfr] " + out.trim());
        assertEquals(0, child.exitValue(), out);
        assertTrue(out.contains("jdk.jfr present: false"), out);
        assertTrue(out.contains("echoed: ping"), out);
        assertTrue(out.contains("registered channels: 3"), out);
    }

    /** The child: one echo over loopback on a loop that would time its iterations if JFR were there. */
    public static final class Child {
        private Child() { }

        public static void main(String[] args) throws Exception {
            System.out.println("jdk.jfr present: " + ModuleLayer.boot().findModule("jdk.jfr").isPresent());
            CustomEventLoopGroup group = new CustomEventLoopGroup(1);
            try {
                Channel server = new ServerBootstrap().group(group).channel(CustomServerSocketChannel.class)
                        .childHandler(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ctx.writeAndFlush(msg);
                            }
                        })
                        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
                CompletableFuture<String> echoed = new CompletableFuture<>();
                Channel client = new Bootstrap().group(group).channel(CustomSocketChannel.class)
                        .handler(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf buf = (ByteBuf) msg;
                                echoed.complete(buf.toString(StandardCharsets.US_ASCII));
                                buf.release();
                            }
                        })
                        .connect(server.localAddress()).sync().channel();
                client.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII));
                System.out.println("echoed: " + echoed.get(30, TimeUnit.SECONDS));
                CustomEventLoop loop = (CustomEventLoop) group.next();
                System.out.println(loop.handler().dump(Duration.ofSeconds(30)));
            } finally {
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
            }
        }
    }
}

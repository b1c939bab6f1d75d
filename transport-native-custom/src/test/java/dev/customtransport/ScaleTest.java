package dev.customtransport;

import dev.customtransport.internal.Emulator;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.AttributeKey;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scale: 10,000 concurrent connections on one server loop, each echoing its own bytes, all data correct; then all
 * closed and nothing left behind. The clients live in a child JVM (this machine's hard RLIMIT_NOFILE is 20,000,
 * and both ends in one process would need more). {@code -Ddev.customtransport.test.scaleConnections} changes the
 * count.
 */
class ScaleTest {
    static final int CONNECTIONS = Integer.getInteger("dev.customtransport.test.scaleConnections", 10_000);
    static final int MESSAGE = 64;

    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    @Test
    void tenThousandConcurrentEchoingConnectionsOnOneLoop() throws Exception {
        CustomEventLoopGroup group = new CustomEventLoopGroup(1);
        Process child = null;
        try {
            CustomEventLoop loop = (CustomEventLoop) group.next();
            AtomicLong open = new AtomicLong();
            AtomicLong closed = new AtomicLong();
            Channel server = new ServerBootstrap().group(group).channel(CustomServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            open.incrementAndGet();
                            ch.closeFuture().addListener(f -> closed.incrementAndGet());
                            ch.pipeline().addLast(new Echo());
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            int fdsBefore = FdLifecycleTest.openFds();
            String java = Emulator.java();
            ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "--enable-native-access=ALL-UNNAMED", Clients.class.getName(),
                    String.valueOf(((InetSocketAddress) server.localAddress()).getPort()), String.valueOf(CONNECTIONS));
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            child = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = out.readLine();
            assertNotNull(line, "the client process exited early");
            assertEquals("ECHOED " + CONNECTIONS, line);
            // Every connection is open at once and each echoed its own bytes correctly (checked by the client).
            int held = loop.submit(loop::registeredChannels).get();
            int fdsHeld = FdLifecycleTest.openFds();
            assertEquals(CONNECTIONS + 1, held, "channels registered on the server loop (connections + listener)");
            assertEquals(CONNECTIONS, open.get() - closed.get());
            child.getOutputStream().close(); // the clients close everything and exit
            assertTrue(child.waitFor(120, TimeUnit.SECONDS), "client process exited");
            assertEquals(0, child.exitValue());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (closed.get() < CONNECTIONS && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(CONNECTIONS, closed.get(), "server-side channels closed");
            assertEquals(1, (int) loop.submit(loop::registeredChannels).get(), "only the listener is left");
            int fdsAfter = FdLifecycleTest.openFds();
            for (int i = 0; i < 100 && fdsAfter > fdsBefore; i++) {
                Thread.sleep(50);
                fdsAfter = FdLifecycleTest.openFds();
            }
            System.out.println("[scale] " + CONNECTIONS + " connections held at once on one loop (fds " + fdsBefore
                    + " -> " + fdsHeld + " -> " + fdsAfter + "), every echo correct");
            assertEquals(fdsBefore, fdsAfter, "descriptors after all connections closed");
            server.close().sync();
        } finally {
            if (child != null) {
                child.destroyForcibly();
            }
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        }
    }

    /**
     * The client process: opens every connection (a bounded number of connects in flight), each sends 64 bytes
     * of its own and checks they come back; prints "ECHOED n" once all are open and echoed; closes them all when
     * its stdin ends.
     */
    public static final class Clients {
        private static final AttributeKey<Integer> ID = AttributeKey.valueOf(Clients.class, "id");

        public static void main(String[] args) throws Exception {
            int port = Integer.parseInt(args[0]);
            int n = Integer.parseInt(args[1]);
            EventLoopGroup group = new CustomEventLoopGroup(1);
            AtomicInteger echoed = new AtomicInteger();
            AtomicInteger bad = new AtomicInteger();
            Semaphore inFlight = new Semaphore(512);
            List<Channel> channels = new ArrayList<>();
            Bootstrap b = new Bootstrap().group(group).channel(CustomSocketChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                private final ByteBuf got = Unpooled.buffer(MESSAGE);

                                @Override
                                public void channelActive(ChannelHandlerContext ctx) {
                                    ctx.writeAndFlush(message(ctx.channel().attr(ID).get()));
                                }

                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    got.writeBytes((ByteBuf) msg);
                                    ((ByteBuf) msg).release();
                                    if (got.readableBytes() == MESSAGE) {
                                        ByteBuf want = message(ctx.channel().attr(ID).get());
                                        if (!want.equals(got)) {
                                            bad.incrementAndGet();
                                        }
                                        want.release();
                                        echoed.incrementAndGet();
                                        inFlight.release();
                                    }
                                }
                            });
                        }
                    });
            for (int i = 0; i < n; i++) {
                inFlight.acquire();
                ChannelFuture f = b.attr(ID, i).connect("127.0.0.1", port);
                channels.add(f.channel());
                f.addListener(cf -> {
                    if (!cf.isSuccess()) {
                        System.err.println("connect failed: " + cf.cause());
                        System.exit(2);
                    }
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (echoed.get() < n && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            if (bad.get() != 0 || echoed.get() != n) {
                System.out.println("FAILED echoed " + echoed.get() + " bad " + bad.get());
                System.exit(1);
            }
            System.out.println("ECHOED " + n);
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent
            }
            for (Channel ch : channels) {
                ch.close();
            }
            for (Channel ch : channels) {
                ch.closeFuture().sync();
            }
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
            System.exit(0);
        }

        static ByteBuf message(int id) {
            ByteBuf b = Unpooled.buffer(MESSAGE);
            for (int i = 0; i < MESSAGE / 4; i++) {
                b.writeInt(id * 31 + i);
            }
            return b;
        }
    }
}

package dev.customtransport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * File descriptors: connect/accept/echo/close cycles leave the process's descriptor count where it started; every
 * descriptor the transport makes is close-on-exec; a channel closed twice, or from several threads at once,
 * closes its descriptor once.
 *
 * <p>The cycle count is {@code -Ddev.customtransport.test.fdCycles} (default 100,000, about 30 s on two cores;
 * pass a smaller number for a quick run).
 */
class FdLifecycleTest {
    private static final int CYCLES = Integer.getInteger("dev.customtransport.test.fdCycles", 100_000);
    /** Connections in flight at once: keeps the loop busy without holding many descriptors. */
    private static final int IN_FLIGHT = 32;
    private static final int O_CLOEXEC = 02000000;

    static int openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count() - 1; // the directory stream's own descriptor
        }
    }

    /** The fdinfo "flags:" field (octal) of one of our descriptors. */
    static int fdFlags(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring(6).trim(), 8);
            }
        }
        throw new AssertionError("no flags for fd " + fd);
    }

    static String fdTarget(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException e) {
            return null;
        }
    }

    @io.netty.channel.ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    /** Client side of a cycle: sends 8 bytes, checks the echo, closes. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class EchoOnce extends ChannelInboundHandlerAdapter {
        private static final io.netty.util.AttributeKey<Integer> RECEIVED =
                io.netty.util.AttributeKey.valueOf(EchoOnce.class, "received");

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.copyLong(0x0123456789abcdefL));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            try {
                while (b.isReadable()) {
                    int expected = (int) (0x0123456789abcdefL >>> (56 - 8 * received(ctx)));
                    if ((byte) expected != b.readByte()) {
                        ctx.fireExceptionCaught(new AssertionError("bad echo"));
                        return;
                    }
                    ctx.channel().attr(RECEIVED).set(received(ctx) + 1);
                }
            } finally {
                b.release();
            }
            if (received(ctx) == 8) {
                ctx.close();
            }
        }

        private static int received(ChannelHandlerContext ctx) {
            Integer n = ctx.channel().attr(RECEIVED).get();
            return n == null ? 0 : n;
        }
    }

    @Test
    void connectAcceptEchoCloseCyclesLeaveTheDescriptorCountUnchanged() throws Exception {
        EventLoopGroup group = new CustomEventLoopGroup(1);
        try {
            AtomicLong serverClosed = new AtomicLong();
            Channel server = new ServerBootstrap().group(group).channel(CustomServerSocketChannel.class)
                    .childHandler(new io.netty.channel.ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.closeFuture().addListener(f -> serverClosed.incrementAndGet());
                            ch.pipeline().addLast(new Echo());
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            Bootstrap client = new Bootstrap().group(group).channel(CustomSocketChannel.class)
                    .handler(new EchoOnce());

            // Warm up (class loading, lazily opened JDK files), then count.
            runCycles(client, server, 200);
            awaitClosed(serverClosed, 200);
            int before = openFds();
            long start = System.nanoTime();
            runCycles(client, server, CYCLES);
            awaitClosed(serverClosed, 200L + CYCLES);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            int after = openFds();
            for (int i = 0; i < 100 && after > before; i++) {
                Thread.sleep(50);
                after = openFds();
            }
            System.out.println("[fd] " + CYCLES + " connect/accept/echo/close cycles on one loop in " + millis
                    + " ms; open fds before " + before + ", after " + after);
            assertEquals(before, after, "open descriptors after " + CYCLES + " cycles");
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        }
    }

    private static void runCycles(Bootstrap client, Channel server, int cycles) throws Exception {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        CompletableFuture<Void> all = new CompletableFuture<>();
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (started.incrementAndGet() > cycles) {
                return;
            }
            ChannelFuture f = client.connect(server.localAddress());
            f.addListener(cf -> {
                if (!cf.isSuccess()) {
                    all.completeExceptionally(cf.cause());
                    return;
                }
                f.channel().closeFuture().addListener(x -> {
                    if (done.incrementAndGet() == cycles) {
                        all.complete(null);
                    } else {
                        next[0].run();
                    }
                });
            });
        };
        for (int i = 0; i < Math.min(IN_FLIGHT, cycles); i++) {
            next[0].run();
        }
        all.get(60 + cycles / 100, TimeUnit.SECONDS);
    }

    private static void awaitClosed(AtomicLong closed, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (closed.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(expected, closed.get(), "server-side channels closed");
    }

    /** Every kind of descriptor the transport makes carries O_CLOEXEC: none leaks into a child process. */
    @Test
    void everyDescriptorIsCloseOnExec() throws Exception {
        // Taken once earlier tests' descriptors have settled: the libkqueue emulation closes a closed kqueue's
        // epoll and eventfds later, from its own thread, and a number freed after the snapshot and taken by our
        // loop would look old (anonymous inodes all read alike).
        java.util.Map<Integer, String> existing = fdTargets();
        for (int i = 0; i < 50; i++) {
            Thread.sleep(100);
            java.util.Map<Integer, String> now = fdTargets();
            if (now.equals(existing)) {
                break;
            }
            existing = now;
        }
        EventLoopGroup group = new CustomEventLoopGroup(1);
        Path dir = Files.createTempDirectory("ct-cloexec");
        List<Channel> channels = new CopyOnWriteArrayList<>(); // loop threads add the accepted ones
        try {
            // The loop's own descriptors: epoll, eventfd (and a timerfd if it keeps one). A task makes it start.
            group.submit(() -> { }).sync();
            Channel server = new ServerBootstrap().group(group).channel(CustomServerSocketChannel.class)
                    .childHandler(new Echo()).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            channels.add(server);
            CountDownLatch accepted = new CountDownLatch(1);
            server.pipeline().addFirst(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    channels.add((Channel) msg);
                    accepted.countDown();
                    ctx.fireChannelRead(msg);
                }
            });
            channels.add(new Bootstrap().group(group).channel(CustomSocketChannel.class).handler(new Echo())
                    .connect(server.localAddress()).sync().channel());
            assertTrue(accepted.await(30, TimeUnit.SECONDS));
            channels.add(new Bootstrap().group(group).channel(CustomDatagramChannel.class).handler(new Echo())
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel());
            DomainSocketAddress path = new DomainSocketAddress(dir.resolve("s").toString());
            Channel unixServer = new ServerBootstrap().group(group).channel(CustomServerDomainSocketChannel.class)
                    .childHandler(new Echo()).bind(path).sync().channel();
            channels.add(unixServer);
            CountDownLatch unixAccepted = new CountDownLatch(1);
            unixServer.pipeline().addFirst(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    channels.add((Channel) msg);
                    unixAccepted.countDown();
                    ctx.fireChannelRead(msg);
                }
            });
            channels.add(new Bootstrap().group(group).channel(CustomDomainSocketChannel.class).handler(new Echo())
                    .connect(path).sync().channel());
            // A Unix connect completes before the server accepts: the accepted socket counts only after that.
            assertTrue(unixAccepted.await(30, TimeUnit.SECONDS));
            channels.add(new Bootstrap().group(group).channel(CustomDomainDatagramChannel.class).handler(new Echo())
                    .bind(new DomainSocketAddress(dir.resolve("d").toString())).sync().channel());

            List<String> seen = newTransportFds(existing);
            for (String fdAndTarget : seen) {
                int fd = Integer.parseInt(fdAndTarget.substring(0, fdAndTarget.indexOf(' ')));
                assertTrue((fdFlags(fd) & O_CLOEXEC) != 0, fdAndTarget + " lacks O_CLOEXEC");
            }
            System.out.println("[fd] close-on-exec: " + seen);
            // epoll + eventfd + 8 sockets (server, accepted, client, udp, unix server, accepted, client, unix dgram)
            assertTrue(seen.stream().anyMatch(s -> s.contains("[eventpoll]")), seen::toString);
            assertTrue(seen.stream().anyMatch(s -> s.contains("[eventfd]")), seen::toString);
            assertTrue(seen.stream().filter(s -> s.contains("socket:")).count() >= 8, seen::toString);
            for (Channel c : channels) {
                c.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
        List<String> left = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            left = newTransportFds(existing);
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals(List.of(), left, "the loop's and the channels' descriptors are all closed after shutdown");
    }

    /** Every open descriptor and what it points to. */
    private static java.util.Map<Integer, String> fdTargets() throws IOException {
        java.util.Map<Integer, String> out = new java.util.HashMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            s.forEach(p -> {
                int fd = Integer.parseInt(p.getFileName().toString());
                out.put(fd, fdTarget(fd));
            });
        }
        return out;
    }

    /** Sockets and anonymous inodes (epoll, eventfd, timerfd) opened since {@code existing} was taken. */
    private static List<String> newTransportFds(java.util.Map<Integer, String> existing) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                int fd = Integer.parseInt(p.getFileName().toString());
                String target = fdTarget(fd);
                if (target == null || target.equals(existing.get(fd))) {
                    continue;
                }
                // A jar or class file the JVM opened meanwhile is not ours.
                if (target.startsWith("socket:") || target.startsWith("anon_inode:")) {
                    out.add(fd + " " + target);
                }
            }
        }
        return out;
    }

    /**
     * A channel closed many times from many threads at once, and through its {@code fd()} view, closes its
     * descriptor once: a second close(2) would close whatever took the number next. The number is taken again
     * by a file right after the first close; it must survive every later close.
     */
    @Test
    void concurrentAndRepeatedClosesCloseTheDescriptorOnce() throws Exception {
        EventLoopGroup group = new CustomEventLoopGroup(1);
        Path file = Files.createTempFile("ct-close-once", ".txt");
        try {
            for (int round = 0; round < 20; round++) {
                CustomSocketChannel ch = new CustomSocketChannel();
                group.register(ch).sync();
                int number = ch.fd().intValue();
                ch.close().sync();
                // Take the number back (lowest free descriptor); other threads of the JVM may beat us to it.
                RandomAccessFile taker = null;
                List<RandomAccessFile> extra = new ArrayList<>();
                try {
                    for (int i = 0; i < 8 && taker == null; i++) {
                        RandomAccessFile f = new RandomAccessFile(file.toFile(), "r");
                        if (file.toString().equals(fdTarget(number))) {
                            taker = f;
                        } else {
                            extra.add(f);
                        }
                    }
                    int threads = 8;
                    CyclicBarrier go = new CyclicBarrier(threads);
                    List<Thread> all = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        int which = t;
                        Thread th = new Thread(() -> {
                            try {
                                go.await();
                                for (int i = 0; i < 50; i++) {
                                    if ((which & 1) == 0) {
                                        ch.close();
                                    } else {
                                        ch.fd().close();
                                    }
                                }
                            } catch (Exception e) {
                                throw new AssertionError(e);
                            }
                        });
                        th.start();
                        all.add(th);
                    }
                    for (Thread th : all) {
                        th.join(30_000);
                    }
                    ch.closeFuture().sync();
                    if (taker != null) {
                        assertEquals(file.toString(), fdTarget(number),
                                "the descriptor that reused number " + number + " was closed by a later close");
                        taker.seek(0); // throws if its descriptor was closed under it
                    }
                } finally {
                    if (taker != null) {
                        taker.close();
                    }
                    for (RandomAccessFile f : extra) {
                        f.close();
                    }
                }
            }
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
            Files.deleteIfExists(file);
        }
    }
}

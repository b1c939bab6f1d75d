package dev.customtransport.faults;

import dev.customtransport.CustomChannelOption;
import dev.customtransport.CustomDatagramChannel;
import dev.customtransport.CustomDomainSocketChannel;
import dev.customtransport.CustomServerDomainSocketChannel;
import dev.customtransport.CustomServerSocketChannel;
import dev.customtransport.CustomSocketChannel;
import dev.customtransport.NativeIoException;
import dev.customtransport.ReadinessMode;
import dev.customtransport.faults.FaultInjection.Kind;
import dev.customtransport.faults.FaultInjection.Rates;
import dev.customtransport.faults.FaultInjection.Site;
import dev.customtransport.internal.Errno;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Traffic under every fault the kernel may return (faults.c), in both readiness modes: each byte, datagram and
 * descriptor arrives once and in order, or the channel a fatal fault hit fails with that fault's errno and no other
 * channel does; no loop stops or spins; no descriptor or buffer is left behind (see {@link Soak}).
 *
 * <p>Runs in the surefire execution {@code faults}, on the library built with fault injection.
 */
class FaultSoakTest {
    /** How long a soak may take before the loops are dumped and the test fails: minutes above what it needs. */
    private static final long TIMEOUT_SECONDS = 120;

    @TempDir
    Path dir;

    @BeforeAll
    static void faultInjection() {
        FaultInjection.assumeLoaded();
    }

    /** Faults a correct program never notices: restarts, spurious readiness, short counts, early wakeups. */
    static Rates transientFaults() {
        return new Rates()
                .all(Kind.EINTR, 50_000)
                .all(Kind.EAGAIN, 50_000)
                .all(Kind.SHORT, 250_000)
                .at(Site.ACCEPT, Kind.NOFILE, 20_000)
                .at(Site.ACCEPT, Kind.NOMEM, 5_000)
                .at(Site.SOCKET, Kind.NOFILE, 50_000)
                .at(Site.WAIT, Kind.EARLY, 100_000)
                .at(Site.WAIT, Kind.EINTR, 100_000);
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void tcpEchoDeliversEveryByteOnceAndInOrder(ReadinessMode mode) throws Exception {
        try (Soak soak = new Soak("TCP echo", mode, transientFaults())) {
            Echo echo = new Echo(soak, null);
            List<Result> results = echo.rounds(3, 32, 128 * 1024);
            echo.assertAllDelivered(results);
            FaultInjection.Counts counts = soak.stop(echo.figures(results));
            assertInjected(counts, Kind.EINTR, Kind.EAGAIN, Kind.SHORT, Kind.NOFILE, Kind.EARLY);
            assertEquals(counts.at(Site.SOCKET, Kind.NOFILE), echo.socketFailures.get(),
                    "each socket() that failed with EMFILE/ENFILE failed its bind or connect, and only those did");
            soak.assertLoopsIdle();
        }
    }

    /**
     * Regression: the natives returned -EINTR from read, write, accept and the rest to Java, which took it for a
     * failure and closed the channel. A call a signal interrupted is now made again in the native (CT_RESTART).
     * Here every socket call is interrupted (its restart is let through).
     */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void anInterruptedSocketCallIsMadeAgainNotTakenForAFailure(ReadinessMode mode) throws Exception {
        Rates rates = new Rates().all(Kind.EINTR, 1_000_000).at(Site.WAIT, Kind.EINTR, 0);
        try (Soak soak = new Soak("TCP echo, every socket call interrupted", mode, rates)) {
            Echo echo = new Echo(soak, null);
            List<Result> results = echo.run(8, 64 * 1024);
            echo.assertAllDelivered(results);
            FaultInjection.Counts counts = soak.stop(echo.figures(results));
            for (Site site : new Site[] {Site.RECV, Site.WRITEV, Site.ACCEPT}) {
                assertTrue(counts.at(site, Kind.EINTR) > 0, site + " was never interrupted: " + counts);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void unixStreamEchoDeliversEveryByteOnceAndInOrder(ReadinessMode mode) throws Exception {
        try (Soak soak = new Soak("Unix stream echo", mode, transientFaults())) {
            Echo echo = new Echo(soak, dir);
            List<Result> results = echo.rounds(3, 16, 128 * 1024);
            echo.assertAllDelivered(results);
            assertInjected(soak.stop(echo.figures(results)), Kind.EINTR, Kind.EAGAIN, Kind.SHORT);
            soak.assertLoopsIdle();
        }
    }

    /**
     * RESET and NOMEM on the client sockets (only there, so each failure has one cause): the channel a fault hits
     * fails with its errno as a {@link NativeIoException}; its server peer may see the real reset that follows; every
     * other connection delivers every byte.
     */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void aFatalFaultFailsOnlyTheChannelItHits(ReadinessMode mode) throws Exception {
        Rates rates = transientFaults()
                .at(Site.RECV, Kind.RESET, 4_000).at(Site.SEND, Kind.RESET, 4_000).at(Site.WRITEV, Kind.RESET, 4_000)
                .at(Site.RECV, Kind.NOMEM, 2_000).at(Site.SEND, Kind.NOMEM, 2_000).at(Site.WRITEV, Kind.NOMEM, 2_000);
        try (Soak soak = new Soak("TCP echo with fatal faults", mode, rates)) {
            Echo echo = new Echo(soak, null);
            echo.fatalOnClients = true;
            List<Result> results = echo.rounds(3, 48, 64 * 1024);
            List<FaultInjection.Fatal> injected = FaultInjection.fatal();
            FaultInjection.Counts counts = soak.stop(echo.figures(results) + ", " + injected.size()
                    + " fatal faults, " + results.stream().filter(r -> r.failure != null).count()
                    + " connections failed");

            Map<FaultInjection.Fatal, Integer> expected = new HashMap<>();
            injected.forEach(f -> expected.merge(f, 1, Integer::sum));
            Map<FaultInjection.Fatal, Integer> seen = new HashMap<>();
            Set<Integer> failedClientPorts = ConcurrentHashMap.newKeySet();
            for (Result r : results) {
                if (r.failure == null) {
                    assertArrayEquals(r.sent, r.received, "connection " + r.id + " had no fault and no failure");
                    continue;
                }
                NativeIoException e = nativeCause(r.failure);
                assertNotNull(e, "connection " + r.id + " failed with something else than an injected fault: "
                        + r.failure);
                seen.merge(new FaultInjection.Fatal(r.fd, e.errno()), 1, Integer::sum);
                failedClientPorts.add(r.localPort);
            }
            assertTrue(!injected.isEmpty(), "no fatal fault was injected: the rates are too low for the traffic");
            assertEquals(expected, seen,
                    "the (fd, errno) of each client failure against those of the faults injected");
            assertEquals(injected.size(), counts.of(Kind.RESET) + counts.at(Site.RECV, Kind.NOMEM)
                    + counts.at(Site.SEND, Kind.NOMEM) + counts.at(Site.WRITEV, Kind.NOMEM));
            // The server side saw errors only on the connections whose client failed: the reset that follows.
            for (Map.Entry<Integer, Throwable> e : echo.serverFailures.entrySet()) {
                assertTrue(failedClientPorts.contains(e.getKey()),
                        "a server channel whose client did not fail failed: " + e.getValue());
            }
            soak.assertLoopsIdle();
            // And the loops still serve.
            Echo after = new Echo(soak, null);
            after.assertAllDelivered(after.run(4, 64 * 1024));
        }
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void udpRequestsAreAnsweredOnceEach(ReadinessMode mode) throws Exception {
        Rates rates = new Rates().all(Kind.EINTR, 20_000).all(Kind.EAGAIN, 20_000).all(Kind.SHORT, 150_000)
                .at(Site.WAIT, Kind.EARLY, 50_000).at(Site.WAIT, Kind.EINTR, 50_000);
        int requests = 4_000;
        int window = 24;
        try (Soak soak = new Soak("UDP request/response", mode, rates)) {
            Channel server = new Bootstrap().group(soak.group).channel(CustomDatagramChannel.class)
                    .option(CustomChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 1500)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(1500 * 8))
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            DatagramPacket p = (DatagramPacket) msg;
                            ctx.write(new DatagramPacket(p.content(), p.sender()));
                        }

                        @Override
                        public void channelReadComplete(ChannelHandlerContext ctx) {
                            ctx.flush();
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            InetSocketAddress to = (InetSocketAddress) server.localAddress();
            BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
            Channel client = new Bootstrap().group(soak.group).channel(CustomDatagramChannel.class)
                    .option(CustomChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 1500)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(1500 * 8))
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            DatagramPacket p = (DatagramPacket) msg;
                            byte[] bytes = new byte[p.content().readableBytes()];
                            p.content().readBytes(bytes);
                            p.release();
                            replies.add(bytes);
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            replies.add(cause);
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();

            boolean[] answered = new boolean[requests];
            int sent = 0;
            int received = 0;
            long bytes = 0;
            while (received < requests) {
                // Keep `window` requests in flight, flushed in bursts so that sendmmsg carries several.
                while (sent < requests && sent - received < window) {
                    client.write(new DatagramPacket(Unpooled.wrappedBuffer(datagram(soak.seed, sent)), to));
                    sent++;
                }
                client.flush();
                Object reply = replies.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (reply == null) {
                    fail("no reply in " + TIMEOUT_SECONDS + " s; " + received + " of " + requests + " answered"
                            + " (seed " + soak.seed + ")\n" + soak.dump());
                }
                if (reply instanceof Throwable) {
                    throw new AssertionError("the client failed (seed " + soak.seed + ")", (Throwable) reply);
                }
                byte[] b = (byte[]) reply;
                int seq = ByteBuffer.wrap(b).getInt();
                assertTrue(seq >= 0 && seq < sent, "a reply to a request never sent: " + seq);
                assertTrue(!answered[seq], "request " + seq + " answered twice (seed " + soak.seed + ")");
                assertArrayEquals(datagram(soak.seed, seq), b, "the reply to request " + seq);
                answered[seq] = true;
                received++;
                bytes += b.length;
            }
            client.close().sync();
            server.close().sync();
            assertInjected(soak.stop(requests + " requests answered once each, " + bytes + " bytes verified"),
                    Kind.EINTR, Kind.EAGAIN, Kind.SHORT);
            soak.assertLoopsIdle();
        }
    }

    /** A datagram of 16..1400 bytes: its sequence number, then bytes drawn from (seed, seq). */
    private static byte[] datagram(long seed, int seq) {
        Random r = new Random(seed * 31 + seq);
        byte[] b = new byte[16 + r.nextInt(1385)];
        r.nextBytes(b);
        ByteBuffer.wrap(b).putInt(seq);
        return b;
    }

    /**
     * Descriptors passed over a Unix stream socket: pipe read ends, each carrying its index; the server reads
     * every index once, in order, and closes what it received.
     */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void passedDescriptorsArriveOnceEachInOrder(ReadinessMode mode) throws Exception {
        Rates rates = new Rates().all(Kind.EINTR, 30_000).all(Kind.EAGAIN, 30_000)
                .at(Site.WAIT, Kind.EARLY, 50_000).at(Site.WAIT, Kind.EINTR, 50_000);
        int count = 400;
        try (Soak soak = new Soak("Unix descriptor passing", mode, rates)) {
            DomainSocketAddress address = new DomainSocketAddress(dir.resolve("fds.sock").toFile());
            BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
            Channel server = new ServerBootstrap().group(soak.group).channel(CustomServerDomainSocketChannel.class)
                    .childOption(CustomChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            inbox.add(msg);
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            inbox.add(cause);
                        }
                    }).bind(address).sync().channel();
            Channel client = new Bootstrap().group(soak.group).channel(CustomDomainSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel();
            for (int i = 0; i < count; i++) {
                FileDescriptor[] pipe = FileDescriptor.pipe();
                ByteBuffer index = ByteBuffer.allocateDirect(4).putInt(0, i);
                assertEquals(4, pipe[1].write(index, 0, 4));
                pipe[1].close();
                client.write(pipe[0]).addListener((ChannelFutureListener) f -> pipe[0].close());
                if (i % 7 == 6) {
                    client.flush();
                }
            }
            client.flush();
            for (int i = 0; i < count; i++) {
                Object o = inbox.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (o == null) {
                    fail("descriptor " + i + " of " + count + " did not arrive (seed " + soak.seed + ")\n"
                            + soak.dump());
                }
                if (o instanceof Throwable) {
                    throw new AssertionError("the server failed at descriptor " + i, (Throwable) o);
                }
                FileDescriptor fd = assertInstanceOf(FileDescriptor.class, o);
                ByteBuffer in = ByteBuffer.allocateDirect(4);
                assertEquals(4, fd.read(in, 0, 4), "the index in descriptor " + i);
                fd.close();
                assertEquals(i, in.getInt(0), "descriptors arrive in the order sent, once each");
            }
            client.close().sync();
            server.close().sync();
            assertInjected(soak.stop(count + " descriptors received once each, in order"), Kind.EINTR, Kind.EAGAIN);
            soak.assertLoopsIdle();
        }
    }

    /** File regions (sendfile) between byte buffers: the server sees the whole stream, byte for byte. */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void fileRegionsArriveWhole(ReadinessMode mode) throws Exception {
        int regions = 12;
        // A region goes in a few sendfile calls: half of them cut short, so that every run has some.
        Rates rates = transientFaults().at(Site.SENDFILE, Kind.SHORT, 500_000);
        try (Soak soak = new Soak("TCP file regions", mode, rates)) {
            Random random = new Random(soak.seed);
            byte[] fileBytes = new byte[1024 * 1024 + 17];
            random.nextBytes(fileBytes);
            Path file = Files.write(dir.resolve("region.bin"), fileBytes);
            byte[][] between = new byte[regions][];
            int total = 0;
            for (int i = 0; i < regions; i++) {
                between[i] = new byte[1 + random.nextInt(3000)];
                random.nextBytes(between[i]);
                total += between[i].length + fileBytes.length;
            }
            byte[] expected = new byte[total];
            int at = 0;
            for (int i = 0; i < regions; i++) {
                System.arraycopy(between[i], 0, expected, at, between[i].length);
                at += between[i].length;
                System.arraycopy(fileBytes, 0, expected, at, fileBytes.length);
                at += fileBytes.length;
            }
            CompletableFuture<byte[]> done = new CompletableFuture<>();
            ByteBuf sink = Unpooled.buffer(total);
            ServerBootstrap sb = new ServerBootstrap().group(soak.group).channel(CustomServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf buf = (ByteBuf) msg;
                            sink.writeBytes(buf);
                            buf.release();
                            if (sink.readableBytes() >= expected.length) {
                                done.complete(Arrays.copyOf(sink.array(), sink.readableBytes()));
                            }
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            done.completeExceptionally(cause);
                        }
                    });
            Channel server = retrying(() -> sb.bind(new InetSocketAddress("127.0.0.1", 0)), new AtomicLong());
            Channel client = connectRetrying(new Bootstrap().group(soak.group).channel(CustomSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()), server.localAddress(), new AtomicLong());
            for (int i = 0; i < regions; i++) {
                client.write(Unpooled.wrappedBuffer(between[i]));
                client.write(new DefaultFileRegion(file.toFile(), 0, fileBytes.length));
            }
            client.flush();
            byte[] got;
            try {
                got = done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError(sink.readableBytes() + " of " + total + " bytes arrived (seed " + soak.seed
                        + ")\n" + soak.dump(), e);
            }
            assertArrayEquals(expected, got);
            client.close().sync();
            server.close().sync();
            FaultInjection.Counts counts = soak.stop(total + " bytes verified (" + regions + " regions of "
                    + fileBytes.length + " bytes)");
            assertInjected(counts, Kind.EINTR, Kind.SHORT);
            assertTrue(counts.at(Site.SENDFILE, Kind.SHORT) > 0, "sendfile was never cut short: " + counts);
            soak.assertLoopsIdle();
        }
    }

    static void assertInjected(FaultInjection.Counts counts, Kind... kinds) {
        for (Kind kind : kinds) {
            assertTrue(counts.of(kind) > 0, "no " + kind + " fault was injected: " + counts);
        }
    }

    static NativeIoException nativeCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof NativeIoException) {
                return (NativeIoException) c;
            }
        }
        return null;
    }

    /** Connects, again after a failure the fault layer caused (EMFILE/ENFILE from socket()), counting those. */
    static Channel connectRetrying(Bootstrap b, SocketAddress to, AtomicLong failures) throws InterruptedException {
        return retrying(() -> b.connect(to), failures);
    }

    /** Opens a channel (bind or connect), again after EMFILE/ENFILE from socket(), counting those. */
    static Channel retrying(Supplier<ChannelFuture> open, AtomicLong failures) throws InterruptedException {
        for (;;) {
            ChannelFuture f = open.get().await();
            if (f.isSuccess()) {
                return f.channel();
            }
            NativeIoException e = nativeCause(f.cause());
            if (e == null || (e.errno() != Errno.EMFILE && e.errno() != Errno.ENFILE)) {
                throw new AssertionError("opening a channel failed with what no fault explains", f.cause());
            }
            failures.incrementAndGet();
        }
    }

    /** One connection's outcome. */
    static final class Result {
        final int id;
        final byte[] sent;
        byte[] received;
        Throwable failure;
        int fd = -1;
        int localPort;

        Result(int id, byte[] sent) {
            this.id = id;
            this.sent = sent;
        }
    }

    /**
     * An echo server and {@code n} clients at once, each writing its bytes in random chunks (single buffers and
     * composites, flushed at random points) and reading the echo back.
     */
    static final class Echo {
        final Soak soak;
        /** Where a Unix echo binds its sockets; null: TCP. */
        final Path unixDir;
        final boolean unix;
        boolean fatalOnClients;
        /** Channels that could not be opened at first: socket() failed with EMFILE/ENFILE. */
        final AtomicLong socketFailures = new AtomicLong();
        /** Server channels that failed, by their peer's port (TCP). */
        final Map<Integer, Throwable> serverFailures = new ConcurrentHashMap<>();
        private final AtomicInteger sockets = new AtomicInteger();
        private int nextId;

        Echo(Soak soak, Path unixDir) {
            this.soak = soak;
            this.unixDir = unixDir;
            this.unix = unixDir != null;
        }

        /** {@link #run} {@code rounds} times: new connections each time, so descriptors are reused under faults. */
        List<Result> rounds(int rounds, int n, int bytesEach) throws Exception {
            List<Result> all = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                all.addAll(run(n, bytesEach));
            }
            return all;
        }

        List<Result> run(int n, int bytesEach) throws Exception {
            SocketAddress bindTo = unix
                    ? new DomainSocketAddress(unixDir.resolve("echo" + sockets.incrementAndGet() + ".sock").toFile())
                    : new InetSocketAddress("127.0.0.1", 0);
            ServerBootstrap sb = new ServerBootstrap().group(soak.group)
                    .channel(unix ? CustomServerDomainSocketChannel.class : CustomServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ctx.write(msg).addListener((ChannelFutureListener) f -> {
                                        if (!f.isSuccess()) {
                                            serverFailed(ctx.channel(), f.cause());
                                        }
                                    });
                                }

                                @Override
                                public void channelReadComplete(ChannelHandlerContext ctx) {
                                    ctx.flush();
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    serverFailed(ctx.channel(), cause);
                                    ctx.close();
                                }
                            });
                        }
                    });
            Channel server = retrying(() -> sb.bind(bindTo), socketFailures);
            try {
                List<Result> results = new ArrayList<>();
                List<CompletableFuture<Result>> pending = new ArrayList<>();
                Random random = new Random(soak.seed + nextId);
                for (int i = 0; i < n; i++) {
                    byte[] data = new byte[bytesEach];
                    random.nextBytes(data);
                    Result r = new Result(nextId++, data);
                    results.add(r);
                    pending.add(client(server.localAddress(), r, new Random(soak.seed + r.id)));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
                for (CompletableFuture<Result> f : pending) {
                    try {
                        f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    } catch (TimeoutException e) {
                        long done = pending.stream().filter(CompletableFuture::isDone).count();
                        throw new AssertionError(done + " of " + n + " connections ended in " + TIMEOUT_SECONDS
                                + " s (seed " + soak.seed + ")\n" + soak.dump(), e);
                    }
                }
                return results;
            } finally {
                server.close().sync();
            }
        }

        private void serverFailed(Channel ch, Throwable cause) {
            int port = ch.remoteAddress() instanceof InetSocketAddress
                    ? ((InetSocketAddress) ch.remoteAddress()).getPort() : -1;
            serverFailures.putIfAbsent(port, cause);
        }

        private CompletableFuture<Result> client(SocketAddress to, Result r, Random random) throws Exception {
            CompletableFuture<Result> done = new CompletableFuture<>();
            ByteBuf echoed = Unpooled.buffer(r.sent.length);
            Bootstrap b = new Bootstrap().group(soak.group)
                    .channel(unix ? CustomDomainSocketChannel.class : CustomSocketChannel.class)
                    // Small fixed reads: many more calls to fault, and reads that fill the buffer exactly.
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(4096))
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            Channel ch = ctx.channel();
                            r.fd = fdOf(ch);
                            if (ch.localAddress() instanceof InetSocketAddress) {
                                r.localPort = ((InetSocketAddress) ch.localAddress()).getPort();
                            }
                            if (fatalOnClients) {
                                FaultInjection.allowFatal(r.fd);
                            }
                            writeInChunks(ctx, r.sent, random, done, r);
                            ctx.fireChannelActive();
                        }

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf buf = (ByteBuf) msg;
                            echoed.writeBytes(buf);
                            buf.release();
                            if (echoed.readableBytes() == r.sent.length) {
                                r.received = Arrays.copyOf(echoed.array(), echoed.readableBytes());
                                done.complete(r);
                                ctx.close();
                            }
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            fail(r, done, cause);
                            ctx.close();
                        }

                        @Override
                        public void channelInactive(ChannelHandlerContext ctx) {
                            fail(r, done, new AssertionError("closed after " + echoed.readableBytes() + " of "
                                    + r.sent.length + " bytes came back"));
                        }
                    });
            connectRetrying(b, to, socketFailures);
            return done;
        }

        private static void fail(Result r, CompletableFuture<Result> done, Throwable cause) {
            if (r.failure == null && !done.isDone()) {
                r.failure = cause;
                done.complete(r);
            }
        }

        private static int fdOf(Channel ch) {
            return ((dev.customtransport.AbstractCustomChannel) ch).fd().intValue();
        }

        /** Random chunks of 1..8 KiB, some as composites of two, flushed after a random number of them. */
        private static void writeInChunks(ChannelHandlerContext ctx, byte[] data, Random random,
                                          CompletableFuture<Result> done, Result r) {
            ChannelFutureListener onFailure = f -> {
                if (!f.isSuccess()) {
                    fail(r, done, f.cause());
                }
            };
            int at = 0;
            while (at < data.length) {
                int len = Math.min(data.length - at, 1 + random.nextInt(8 * 1024));
                ByteBuf chunk;
                if (len > 1 && random.nextInt(4) == 0) {
                    CompositeByteBuf c = Unpooled.compositeBuffer();
                    int half = len / 2;
                    c.addComponent(true, Unpooled.wrappedBuffer(data, at, half));
                    c.addComponent(true, Unpooled.directBuffer(len - half).writeBytes(data, at + half, len - half));
                    chunk = c;
                } else {
                    chunk = Unpooled.wrappedBuffer(data, at, len);
                }
                ctx.write(chunk).addListener(onFailure);
                at += len;
                if (random.nextInt(3) == 0) {
                    ctx.flush();
                }
            }
            ctx.flush();
        }

        void assertAllDelivered(List<Result> results) {
            for (Result r : results) {
                if (r.failure != null) {
                    throw new AssertionError("connection " + r.id + " failed with no fatal fault injected (seed "
                            + soak.seed + ")", r.failure);
                }
                assertArrayEquals(r.sent, r.received, "connection " + r.id + " (seed " + soak.seed + ")");
            }
        }

        String figures(List<Result> results) {
            long bytes = 0;
            CRC32 crc = new CRC32();
            int complete = 0;
            for (Result r : results) {
                if (r.failure == null && r.received != null) {
                    bytes += r.received.length;
                    crc.update(r.received);
                    complete++;
                }
            }
            return complete + " of " + results.size() + " connections echoed, " + bytes + " bytes verified (crc32 "
                    + Long.toHexString(crc.getValue()) + "), " + socketFailures.get() + " binds or connects refused by faults";
        }
    }
}

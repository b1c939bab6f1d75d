package dev.customtransport.compat;

import dev.customtransport.Custom;
import dev.customtransport.CustomChannelOption;
import dev.customtransport.CustomDatagramChannel;
import dev.customtransport.CustomDomainDatagramChannel;
import dev.customtransport.CustomDomainSocketChannel;
import dev.customtransport.CustomIoHandler;
import dev.customtransport.CustomServerDomainSocketChannel;
import dev.customtransport.CustomServerSocketChannel;
import dev.customtransport.CustomSocketChannel;
import dev.customtransport.ReadinessMode;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.PeerCredentials;
import io.netty.util.Version;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One JVM of the compatibility matrix ({@code NettyVersionMatrixTest}): with our installed jar and exactly one Netty
 * 4.2.x release on the class path, calls every native of Netty's unix types once ({@link NettyNatives}), then runs
 * each channel type in both readiness modes through the drop-in form
 * ({@code new MultiThreadIoEventLoopGroup(CustomIoHandler.newFactory(mode))}): TCP echo, UDP request/response, Unix
 * stream echo, descriptor passing and peer credentials, Unix datagrams, and the error paths through Netty's own
 * {@code Errors}. Prints {@code CompatSmoke: OK ...} and exits 0, or prints the failure and exits 1.
 */
public final class CompatSmoke {
    private static final long TIMEOUT_SECONDS = 10;

    private CompatSmoke() { }

    public static void main(String[] args) {
        String netty = String.valueOf(Version.identify().get("netty-transport").artifactVersion());
        try {
            Custom.ensureAvailability();
            List<String> natives = NettyNatives.callEach();
            errorPathsGoThroughNettysErrors();
            Path dir = Files.createTempDirectory("compat-smoke");
            try {
                for (ReadinessMode mode : ReadinessMode.values()) {
                    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, CustomIoHandler.newFactory(mode));
                    try {
                        tcpEcho(group);
                        udpRequestResponse(group);
                        unixStream(group, dir, mode);
                        unixDatagrams(group, dir, mode);
                    } catch (Throwable t) {
                        throw new AssertionError(mode + ": " + t, t);
                    } finally {
                        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
                    }
                }
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path p : (Iterable<Path>) files::iterator) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.delete(dir);
            }
            System.out.println("CompatSmoke: OK netty " + netty + ", java " + Runtime.version() + ", "
                    + natives.size() + " natives of Netty's unix types called, both readiness modes");
            System.exit(0);
        } catch (Throwable t) {
            System.out.println("CompatSmoke: FAILED on netty " + netty + ", java " + Runtime.version());
            t.printStackTrace(System.out);
            System.exit(1);
        }
    }

    /** Netty's {@code Errors} (whose class initialiser calls every errno native) builds the exceptions. */
    static void errorPathsGoThroughNettysErrors() throws IOException {
        IOException closed = expectIOException(() -> new FileDescriptor(Integer.MAX_VALUE - 1).close());
        check(closed.getClass().getName().startsWith("io.netty.channel.unix.Errors"), "Netty's exception: " + closed);
        check(closed.getMessage().contains("close"), "names the call: " + closed);
        IOException missing = expectIOException(() -> FileDescriptor.from("/nonexistent-compat-smoke/dir/file"));
        check(missing.getMessage().contains("open"), "names the call: " + missing);
    }

    static void tcpEcho(EventLoopGroup group) throws Exception {
        Channel server = new ServerBootstrap().group(group).channel(CustomServerSocketChannel.class)
                .childHandler(new Echo()).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        try {
            byte[] payload = new byte[256 * 1024];
            new Random(7).nextBytes(payload);
            Collector collector = new Collector(payload.length);
            Channel client = new Bootstrap().group(group).channel(CustomSocketChannel.class).handler(collector)
                    .connect(server.localAddress()).sync().channel();
            try {
                client.writeAndFlush(Unpooled.wrappedBuffer(payload)).sync();
                check(Arrays.equals(payload, collector.done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)),
                        "TCP echo came back byte for byte");
            } finally {
                client.close().sync();
            }
        } finally {
            server.close().sync();
        }
    }

    static void udpRequestResponse(EventLoopGroup group) throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        Channel responder = new Bootstrap().group(group).channel(CustomDatagramChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        DatagramPacket p = (DatagramPacket) msg;
                        ctx.writeAndFlush(new DatagramPacket(p.content(), p.sender()));
                    }
                }).bind(lo, 0).sync().channel();
        Inbox inbox = new Inbox();
        Channel requester = new Bootstrap().group(group).channel(CustomDatagramChannel.class).handler(inbox)
                .bind(lo, 0).sync().channel();
        try {
            InetSocketAddress to = (InetSocketAddress) responder.localAddress();
            for (int i = 0; i < 10; i++) {
                requester.writeAndFlush(new DatagramPacket(
                        Unpooled.copiedBuffer("q" + i, StandardCharsets.US_ASCII), to)).sync();
                DatagramPacket answer = (DatagramPacket) inbox.take();
                try {
                    check(("q" + i).equals(answer.content().toString(StandardCharsets.US_ASCII)), "UDP answer " + i);
                    check(to.equals(answer.sender()), "UDP answer from the responder");
                } finally {
                    answer.release();
                }
            }
        } finally {
            requester.close().sync();
            responder.close().sync();
        }
    }

    static void unixStream(EventLoopGroup group, Path dir, ReadinessMode mode) throws Exception {
        DomainSocketAddress echoPath = new DomainSocketAddress(dir.resolve("echo-" + mode + ".sock").toFile());
        Channel echo = new ServerBootstrap().group(group).channel(CustomServerDomainSocketChannel.class)
                .childHandler(new Echo()).bind(echoPath).sync().channel();
        DomainSocketAddress fdPath = new DomainSocketAddress(dir.resolve("fd-" + mode + ".sock").toFile());
        Inbox received = new Inbox();
        Channel fdServer = new ServerBootstrap().group(group).channel(CustomServerDomainSocketChannel.class)
                .childOption(CustomChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS)
                .childHandler(received).bind(fdPath).sync().channel();
        try {
            byte[] payload = "over a unix stream socket".getBytes(StandardCharsets.US_ASCII);
            Collector collector = new Collector(payload.length);
            CustomDomainSocketChannel client = (CustomDomainSocketChannel) new Bootstrap().group(group)
                    .channel(CustomDomainSocketChannel.class).handler(collector).connect(echoPath).sync().channel();
            try {
                PeerCredentials cred = client.peerCredentials();
                check(cred.pid() == ProcessHandle.current().pid(), "peer credentials name this process: " + cred);
                client.writeAndFlush(Unpooled.wrappedBuffer(payload)).sync();
                check(Arrays.equals(payload, collector.done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)),
                        "unix stream echo");
            } finally {
                client.close().sync();
            }

            Channel sender = new Bootstrap().group(group).channel(CustomDomainSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(fdPath).sync().channel();
            FileDescriptor[] pipe = FileDescriptor.pipe();
            try {
                sender.writeAndFlush(pipe[1]).sync();
                FileDescriptor passed = (FileDescriptor) received.take();
                try {
                    check(passed.intValue() != pipe[1].intValue(), "a new descriptor for the pipe");
                    ByteBuffer out = ByteBuffer.allocateDirect(2).put((byte) 'o').put((byte) 'k').flip();
                    check(passed.write(out, 0, 2) == 2, "write through the passed descriptor");
                } finally {
                    passed.close();
                }
                ByteBuffer in = ByteBuffer.allocateDirect(2);
                check(pipe[0].read(in, 0, 2) == 2 && in.get(0) == 'o' && in.get(1) == 'k',
                        "what went through the passed descriptor comes out of the pipe");
            } finally {
                pipe[0].close();
                pipe[1].close();
                sender.close().sync();
            }
        } finally {
            fdServer.close().sync();
            echo.close().sync();
        }
        check(!Files.exists(dir.resolve("echo-" + mode + ".sock")), "the socket file is removed on close");
    }

    static void unixDatagrams(EventLoopGroup group, Path dir, ReadinessMode mode) throws Exception {
        DomainSocketAddress a = new DomainSocketAddress(dir.resolve("a-" + mode + ".dgram").toFile());
        DomainSocketAddress b = new DomainSocketAddress(dir.resolve("b-" + mode + ".dgram").toFile());
        Inbox inbox = new Inbox();
        Channel ca = new Bootstrap().group(group).channel(CustomDomainDatagramChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).bind(a).sync().channel();
        Channel cb = new Bootstrap().group(group).channel(CustomDomainDatagramChannel.class).handler(inbox)
                .bind(b).sync().channel();
        try {
            for (int i = 0; i < 5; i++) {
                ca.writeAndFlush(new DomainDatagramPacket(Unpooled.copiedBuffer("d" + i, StandardCharsets.US_ASCII),
                        b)).sync();
                DomainDatagramPacket p = (DomainDatagramPacket) inbox.take();
                try {
                    check(("d" + i).equals(p.content().toString(StandardCharsets.US_ASCII)), "unix datagram " + i);
                    check(a.equals(p.sender()), "unix datagram names its sender");
                } finally {
                    p.release();
                }
            }
        } finally {
            ca.close().sync();
            cb.close().sync();
        }
    }

    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    /** Collects a stream's bytes until {@code expected} have come. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final int expected;

        Collector(int expected) {
            this.expected = expected;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                byte[] b = new byte[in.readableBytes()];
                in.readBytes(b);
                bytes.writeBytes(b);
            } finally {
                in.release();
            }
            if (bytes.size() >= expected) {
                done.complete(bytes.toByteArray());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.completeExceptionally(new IOException("closed after " + bytes.size() + " of " + expected));
        }
    }

    @ChannelHandler.Sharable
    private static final class Inbox extends ChannelInboundHandlerAdapter {
        private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            messages.add(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            messages.add(cause);
        }

        Object take() throws Exception {
            Object o = messages.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (o == null) {
                throw new AssertionError("nothing received within " + TIMEOUT_SECONDS + " s");
            }
            if (o instanceof Throwable) {
                throw new AssertionError("received an exception", (Throwable) o);
            }
            return o;
        }
    }

    private interface IoCall {
        void run() throws IOException;
    }

    private static IOException expectIOException(IoCall call) {
        try {
            call.run();
        } catch (IOException e) {
            return e;
        }
        throw new AssertionError("no IOException");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("expected: " + what);
        }
    }
}

package dev.customtransport;

import dev.customtransport.internal.Emulator;
import dev.customtransport.internal.NativeFeatures;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.PeerCredentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unix domain sockets: echo, socket-file removal, descriptor passing, credentials, datagrams; both modes. */
class DomainSocketTest {
    private static final long TIMEOUT = 10;
    private EventLoopGroup group;
    /** Added to from event loop threads (accepted children), so copy-on-write. */
    private final List<Channel> channels = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() throws Exception {
        for (Channel ch : channels) {
            ch.close().sync();
        }
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    static final class Inbox extends ChannelInboundHandlerAdapter {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            messages.add(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            messages.add(cause);
        }

        Object take() throws InterruptedException {
            Object o = messages.poll(TIMEOUT, TimeUnit.SECONDS);
            assertNotNull(o, "nothing within " + TIMEOUT + " s");
            return o;
        }
    }

    private Channel server(ReadinessMode mode, DomainSocketAddress address, Inbox inbox, DomainSocketReadMode read)
            throws Exception {
        group = new CustomEventLoopGroup(2, mode);
        Channel ch = new ServerBootstrap().group(group).channel(CustomServerDomainSocketChannel.class)
                .childOption(CustomChannelOption.DOMAIN_SOCKET_READ_MODE, read)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(inbox);
                        channels.add(ch);
                    }
                }).bind(address).sync().channel();
        channels.add(ch);
        return ch;
    }

    private CustomDomainSocketChannel client(DomainSocketAddress address, Inbox inbox) throws Exception {
        CustomDomainSocketChannel ch = (CustomDomainSocketChannel) new Bootstrap().group(group)
                .channel(CustomDomainSocketChannel.class).handler(inbox).connect(address).sync().channel();
        channels.add(ch);
        return ch;
    }

    private static byte[] take(Inbox inbox, int n) throws InterruptedException {
        ByteBuf all = Unpooled.buffer();
        while (all.readableBytes() < n) {
            Object o = inbox.take();
            assertInstanceOf(ByteBuf.class, o);
            all.writeBytes((ByteBuf) o);
            ((ByteBuf) o).release();
        }
        byte[] out = new byte[all.readableBytes()];
        all.readBytes(out);
        return out;
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void bytesBothWaysOverAPathAndTheFileIsRemovedOnClose(ReadinessMode mode) throws Exception {
        Path path = dir.resolve("s.sock");
        DomainSocketAddress address = new DomainSocketAddress(path.toFile());
        Inbox server = new Inbox();
        Channel listener = server(mode, address, server, DomainSocketReadMode.BYTES);
        assertEquals(address, listener.localAddress());
        assertTrue(Files.exists(path));
        Inbox clientInbox = new Inbox();
        CustomDomainSocketChannel client = client(address, clientInbox);
        assertEquals(address, client.remoteAddress());
        byte[] data = new byte[256 * 1024];
        ThreadLocalRandom.current().nextBytes(data);
        client.writeAndFlush(Unpooled.wrappedBuffer(data));
        assertArrayEquals(data, take(server, data.length));
        listener.close().sync();
        assertFalse(Files.exists(path), "the socket file outlived its server");
    }

    /**
     * Closing a server removes only the socket it bound (Netty 4.2.20 deletes a path only if it is a socket): a
     * regular file put at the path after ours was unlinked is left alone.
     */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void closeLeavesARegularFileAtTheSocketPath(ReadinessMode mode) throws Exception {
        Path path = dir.resolve("replaced.sock");
        Channel listener = server(mode, new DomainSocketAddress(path.toFile()), new Inbox(), DomainSocketReadMode.BYTES);
        Files.delete(path);
        Files.write(path, new byte[] { 42 });
        listener.close().sync();
        assertArrayEquals(new byte[] { 42 }, Files.readAllBytes(path), "a file that is not our socket was removed");
    }

    /** Nor another server's socket bound at the same path after ours was unlinked. */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void closeLeavesAnotherServersSocketAtThePath(ReadinessMode mode) throws Exception {
        Path path = dir.resolve("shared.sock");
        DomainSocketAddress address = new DomainSocketAddress(path.toFile());
        Channel first = server(mode, address, new Inbox(), DomainSocketReadMode.BYTES);
        Files.delete(path);
        Inbox secondInbox = new Inbox();
        Channel second = new ServerBootstrap().group(group).channel(CustomServerDomainSocketChannel.class)
                .childHandler(secondInbox).bind(address).sync().channel();
        channels.add(second);
        first.close().sync();
        assertTrue(Files.exists(path), "the first server removed the second one's socket file");
        CustomDomainSocketChannel client = client(address, new Inbox());
        assertTrue(client.isActive(), "the second server still takes connections");
        second.close().sync();
        assertFalse(Files.exists(path), "the second server removes its own socket file");
    }

    /**
     * Found by Netty's SocketAddressesTest over domain sockets: an unbound client had a null local address after
     * connecting, and its accepted peer a null remote address. Netty's epoll reports the unnamed end as an empty
     * path.
     */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void unboundClientEndIsAnEmptyPathOnBothSides(ReadinessMode mode) throws Exception {
        DomainSocketAddress address = new DomainSocketAddress(dir.resolve("u.sock").toFile());
        BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        group = new CustomEventLoopGroup(2, mode);
        Channel listener = new ServerBootstrap().group(group).channel(CustomServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch);
                        accepted.add(ch);
                    }
                }).bind(address).sync().channel();
        channels.add(listener);
        CustomDomainSocketChannel client = client(address, new Inbox());
        assertEquals(new DomainSocketAddress(""), client.localAddress());
        assertEquals(address, client.remoteAddress());
        Channel child = accepted.poll(TIMEOUT, TimeUnit.SECONDS);
        assertNotNull(child);
        assertEquals(new DomainSocketAddress(""), child.remoteAddress());
        assertEquals(address, child.localAddress());
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void abstractNamesWork(ReadinessMode mode) throws Exception {
        DomainSocketAddress address = new DomainSocketAddress("\0custom-" + System.nanoTime());
        Inbox server = new Inbox();
        server(mode, address, server, DomainSocketReadMode.BYTES);
        CustomDomainSocketChannel client = client(address, new Inbox());
        client.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), take(server, 5));
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void peerCredentialsNameThisProcess(ReadinessMode mode) throws Exception {
        DomainSocketAddress address = new DomainSocketAddress(dir.resolve("c.sock").toFile());
        server(mode, address, new Inbox(), DomainSocketReadMode.BYTES);
        CustomDomainSocketChannel client = client(address, new Inbox());
        PeerCredentials cred = client.peerCredentials();
        // pid 0 stands for "not known", on systems that do not say (NativeFeatures.PEER_PID).
        assertEquals(NativeFeatures.PEER_PID ? ProcessHandle.current().pid() : 0, cred.pid());
        int uid = (Integer) Files.getAttribute(Paths.get("/proc/self"), "unix:uid");
        assertEquals(uid, cred.uid());
        assertEquals(1, cred.gids().length);
    }

    /** A pipe's write end crosses the socket; what is written through the received descriptor comes out of the pipe. */
    private static final int O_CLOEXEC = 02000000; // Linux's, as /proc/self/fdinfo shows it

    /** The "flags:" field (octal) of /proc/self/fdinfo/{fd}. */
    private static int fdInfoFlags(int fd) throws Exception {
        for (String line : Files.readAllLines(Paths.get("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring("flags:".length()).trim(), 8);
            }
        }
        throw new AssertionError("no flags in /proc/self/fdinfo/" + fd);
    }

    /** The descriptors of this process that name {@code file} (readlink of /proc/self/fd/*). */
    private static int descriptorsOf(Path file) throws IOException {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Paths.get("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).equals(file)) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed between the listing and the readlink
                }
            }
        }
        return n;
    }

    /**
     * CVE-2026-45536 (netty/netty#16872): descriptors that arrive in a message whose control part was truncated
     * (more than a read takes, MSG_CTRUNC) leaked. Here every one of them is closed and the failure reported, and
     * the next message's descriptor still arrives. The sender is a Python process (socket.send_fds), so that the
     * message holds more descriptors than our own sender ever puts in one.
     */
    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void cve2026_45536_descriptorsOfATruncatedMessageAreAllClosed(ReadinessMode mode) throws Exception {
        Emulator.assumeReachesKernel("SCM_RIGHTS truncation");
        Assumptions.assumeTrue(canRun("python3", "-c", "import socket; socket.send_fds"),
                "skipped: needs python3 3.9+ (socket.send_fds) to send many descriptors in one message");
        DomainSocketAddress address = new DomainSocketAddress(dir.resolve("many.sock").toFile());
        Inbox server = new Inbox();
        server(mode, address, server, DomainSocketReadMode.FILE_DESCRIPTORS);
        Path file = Files.write(dir.resolve("passed.bin"), new byte[0]).toRealPath(); // the fds name its real path
        String script = String.join("\n",
                "import os, socket, sys",
                "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
                "s.connect(sys.argv[1])",
                "fds = [os.open(sys.argv[2], os.O_RDONLY) for _ in range(int(sys.argv[3]))]",
                "socket.send_fds(s, [b'x'], fds)",
                "socket.send_fds(s, [b'y'], fds[:1])",
                "s.recv(1)", // wait until the test closes the channel
                "");
        int many = 64; // four times what one of our reads takes (16)
        Process p = new ProcessBuilder("python3", "-c", script, address.path(), file.toString(), String.valueOf(many))
                .redirectErrorStream(true).start();
        try {
            Object first = server.messages.poll(TIMEOUT, TimeUnit.SECONDS);
            assertInstanceOf(IOException.class, first, "the truncated message is reported: " + first);
            assertTrue(((IOException) first).getMessage().contains("MSG_CTRUNC"), ((IOException) first).getMessage());
            FileDescriptor next = (FileDescriptor) server.take();
            assertEquals(1, descriptorsOf(file), "only the second message's descriptor is open");
            next.close();
            assertEquals(0, descriptorsOf(file), "a descriptor of the truncated message leaked");
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean canRun(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void fileDescriptorsArePassed(ReadinessMode mode) throws Exception {
        DomainSocketAddress address = new DomainSocketAddress(dir.resolve("fd.sock").toFile());
        Inbox server = new Inbox();
        server(mode, address, server, DomainSocketReadMode.FILE_DESCRIPTORS);
        CustomDomainSocketChannel client = client(address, new Inbox());
        FileDescriptor[] pipe = FileDescriptor.pipe();
        try {
            for (int i = 0; i < 3; i++) {
                client.writeAndFlush(pipe[1]).sync();
            }
            for (int i = 0; i < 3; i++) {
                Object o = server.take();
                assertInstanceOf(FileDescriptor.class, o);
                FileDescriptor received = (FileDescriptor) o;
                assertTrue(received.intValue() != pipe[1].intValue(), "a new descriptor for the same pipe");
                // Close-on-exec from the moment it is ours (MSG_CMSG_CLOEXEC, or fcntl right after on macOS).
                assertTrue((fdInfoFlags(received.intValue()) & O_CLOEXEC) != 0, "received descriptor lacks O_CLOEXEC");
                ByteBuffer msg = ByteBuffer.allocateDirect(2).put((byte) 'x').put((byte) i).flip();
                assertEquals(2, received.write(msg, 0, 2));
                received.close();
                ByteBuffer in = ByteBuffer.allocateDirect(2);
                assertEquals(2, pipe[0].read(in, 0, 2));
                assertEquals(i, in.get(1));
            }
        } finally {
            pipe[0].close();
            pipe[1].close();
        }
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void domainDatagramsCarryTheSender(ReadinessMode mode) throws Exception {
        group = new CustomEventLoopGroup(2, mode);
        DomainSocketAddress a = new DomainSocketAddress(dir.resolve("a.dgram").toFile());
        DomainSocketAddress b = new DomainSocketAddress(dir.resolve("b.dgram").toFile());
        Inbox ia = new Inbox();
        Inbox ib = new Inbox();
        Channel ca = new Bootstrap().group(group).channel(CustomDomainDatagramChannel.class).handler(ia)
                .bind(a).sync().channel();
        Channel cb = new Bootstrap().group(group).channel(CustomDomainDatagramChannel.class).handler(ib)
                .bind(b).sync().channel();
        channels.add(ca);
        channels.add(cb);
        for (int i = 0; i < 20; i++) {
            ca.write(new DomainDatagramPacket(Unpooled.copiedBuffer("p" + i, StandardCharsets.US_ASCII), b));
        }
        ca.flush();
        for (int i = 0; i < 20; i++) {
            DomainDatagramPacket p = (DomainDatagramPacket) ib.take();
            assertEquals(a, p.sender());
            assertEquals("p" + i, p.content().toString(StandardCharsets.US_ASCII));
            p.release();
        }
        // Connected: plain buffers go to the peer.
        cb.connect(a).sync();
        assertTrue(((CustomDomainDatagramChannel) cb).isConnected());
        cb.writeAndFlush(Unpooled.copiedBuffer("back", StandardCharsets.US_ASCII)).sync();
        DomainDatagramPacket p = (DomainDatagramPacket) ia.take();
        assertEquals(b, p.sender());
        assertEquals("back", p.content().toString(StandardCharsets.US_ASCII));
        p.release();
    }
}

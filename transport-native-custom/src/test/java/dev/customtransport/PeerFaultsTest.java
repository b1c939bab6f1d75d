package dev.customtransport;

import dev.customtransport.internal.Emulator;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ClosedChannelException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Peer faults: a reset in the middle of a large write, a killed peer process, write after close, orderly close. */
class PeerFaultsTest {
    private EventLoopGroup group;

    @BeforeEach
    void setUp() {
        group = new CustomEventLoopGroup(1);
    }

    @AfterEach
    void tearDown() throws Exception {
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
    }

    private Channel connect(Channel server) throws Exception {
        return new Bootstrap().group(group).channel(CustomSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
    }

    private Channel bind(ChannelInboundHandlerAdapter child) throws Exception {
        return new ServerBootstrap().group(group).channel(CustomServerSocketChannel.class).childHandler(child)
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    @Test
    void writeAfterCloseFailsWithClosedChannelException() throws Exception {
        Channel server = bind(new ChannelInboundHandlerAdapter());
        Channel c = connect(server);
        c.close().sync();
        ChannelFuture w = c.writeAndFlush(Unpooled.copyInt(1)).await();
        assertFalse(w.isSuccess());
        assertInstanceOf(ClosedChannelException.class, w.cause());
        server.close().sync();
    }

    /**
     * 8 MiB written in pieces to a small send buffer, the close chained to the last write: the peer reads every
     * byte, in order, before the end of the stream (no RST, nothing cut off).
     */
    @Test
    void orderlyCloseDeliversEveryByteWrittenBeforeIt() throws Exception {
        byte[] data = new byte[8 * 1024 * 1024];
        new Random(3).nextBytes(data);
        CRC32 sent = new CRC32();
        sent.update(data);
        CompletableFuture<long[]> atEnd = new CompletableFuture<>();
        Channel server = bind(new ChannelInboundHandlerAdapter() {
            private final CRC32 crc = new CRC32();
            private long bytes;

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                bytes += b.readableBytes();
                crc.update(b.nioBuffer());
                b.release();
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                atEnd.complete(new long[] {bytes, crc.getValue()});
            }

            @Override
            public boolean isSharable() {
                return true;
            }
        });
        Channel c = new Bootstrap().group(group).channel(CustomSocketChannel.class)
                .option(ChannelOption.SO_SNDBUF, 16 * 1024)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        ChannelFuture last = null;
        for (int off = 0; off < data.length; off += 100_000) {
            last = c.write(Unpooled.wrappedBuffer(data, off, Math.min(100_000, data.length - off)));
        }
        c.flush();
        // Netty's close() fails writes still queued; what the application closes after is the last write's
        // completion. Every byte the kernel took must then reach the peer before its end of stream.
        last.addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        long[] got = atEnd.get(60, TimeUnit.SECONDS);
        assertTrue(last.isSuccess(), "the last write before close succeeded: " + last.cause());
        assertEquals(data.length, got[0], "bytes delivered before the end of the stream");
        assertEquals(sent.getValue(), got[1], "CRC of the delivered bytes");
        server.close().sync();
    }

    /**
     * The peer resets (SO_LINGER 0) while 32 MiB are being written to it: the write fails with an IOException,
     * the channel closes, and the loop goes on serving.
     */
    @Test
    void peerResetInTheMiddleOfALargeWrite() throws Exception {
        Channel server = bind(new ChannelInboundHandlerAdapter() {
            private long bytes;

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                bytes += ((ByteBuf) msg).readableBytes();
                ((ByteBuf) msg).release();
                if (bytes >= 1024 * 1024 && ctx.channel().isOpen()) {
                    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                    ctx.close(); // RST: unread data and linger 0
                }
            }

            @Override
            public boolean isSharable() {
                return true;
            }
        });
        Channel c = connect(server);
        ChannelFuture w = c.writeAndFlush(Unpooled.wrappedBuffer(new byte[32 * 1024 * 1024]));
        assertTrue(w.await(60, TimeUnit.SECONDS));
        assertFalse(w.isSuccess(), "a 32 MiB write to a peer that reset after 1 MiB");
        assertInstanceOf(IOException.class, w.cause());
        System.out.println("[peer] reset mid-write: " + w.cause());
        assertTrue(c.closeFuture().await(30, TimeUnit.SECONDS), "the channel closes after the reset");
        assertEquals("alive", LoopFaultsTest.roundTrip(group, bind(new LoopFaultsTest.Echo()), "alive"));
        server.close().sync();
    }

    /** A loopback server whose connections never read and have a small receive buffer: writers to it fill up. */
    static Channel bindNonReading(EventLoopGroup group) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(CustomServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.SO_RCVBUF, 4096)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /**
     * Half-open: the peer stays connected but takes nothing (it stopped reading; its window is shut), so data
     * stays unacknowledged. With TCP_USER_TIMEOUT the kernel gives up on it (zero-window probes count, Linux
     * 5.x and later) and the channel closes with the write failed, instead of holding the socket for good.
     */
    @Test
    void stuckPeerIsDroppedAfterTcpUserTimeout() throws Exception {
        Channel server = bindNonReading(group);
        Channel c = new Bootstrap().group(group).channel(CustomSocketChannel.class)
                .option(ChannelOption.SO_SNDBUF, 4096)
                .option(CustomChannelOption.TCP_USER_TIMEOUT, 500)
                .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
        assertEquals(500, c.config().getOption(CustomChannelOption.TCP_USER_TIMEOUT));
        ChannelFuture w = c.writeAndFlush(Unpooled.wrappedBuffer(new byte[8 * 1024 * 1024]));
        assertTrue(c.closeFuture().await(120, TimeUnit.SECONDS), "the connection to a stuck peer is dropped");
        assertTrue(w.await(10, TimeUnit.SECONDS));
        assertFalse(w.isSuccess());
        System.out.println("[peer] stuck peer with TCP_USER_TIMEOUT 500 ms: " + w.cause());
        server.close().sync();
    }

    /** A peer process killed (SIGKILL) with the connection open: our side sees the end and closes. */
    @Test
    void peerProcessKilled() throws Exception {
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        CompletableFuture<Object> firstRead = new CompletableFuture<>();
        Channel server = bind(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                accepted.complete(ctx.channel());
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                firstRead.complete(msg);
                ((ByteBuf) msg).release();
            }

            @Override
            public boolean isSharable() {
                return true;
            }
        });
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        String java = Emulator.java();
        Process peer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                PeerProcess.class.getName(), String.valueOf(port))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            Channel ch = accepted.get(60, TimeUnit.SECONDS);
            firstRead.get(60, TimeUnit.SECONDS); // the peer is connected and has written: now kill it
            peer.destroyForcibly();
            assertTrue(peer.waitFor(30, TimeUnit.SECONDS));
            assertTrue(ch.closeFuture().await(30, TimeUnit.SECONDS), "our side closes when the peer dies");
        } finally {
            peer.destroyForcibly();
        }
        server.close().sync();
    }

    /** The peer of {@link #peerProcessKilled}: connects, writes a byte, waits to be killed. */
    public static final class PeerProcess {
        public static void main(String[] args) throws Exception {
            try (Socket s = new Socket("127.0.0.1", Integer.parseInt(args[0]))) {
                OutputStream out = s.getOutputStream();
                out.write(1);
                out.flush();
                InputStream in = s.getInputStream();
                in.read(); // blocks until killed
                Thread.sleep(TimeUnit.MINUTES.toMillis(5));
            }
        }
    }
}

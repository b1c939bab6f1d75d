package dev.customtransport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;

import jdk.jfr.Recording;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child process of {@link EmfileTest}: a server on this transport, run with few descriptors. Prints its port,
 * then its figures every 250 ms ({@code STAT accepted reports waits acceptBackoffs}) until its parent closes stdin.
 * With {@code -Ddev.customtransport.test.jfr=FILE} it records the accept back-off JFR events into FILE.
 */
public final class EmfileServer {
    private EmfileServer() { }

    public static void main(String[] args) throws Exception {
        // Log once while descriptors are plentiful: the JDK's log formatter loads time-zone data from a file on
        // first use, which fails (with an Error) once the process is out of descriptors.
        java.util.logging.Logger.getLogger(EmfileServer.class.getName()).info("starting");
        String jfrFile = System.getProperty("dev.customtransport.test.jfr");
        Recording recording = null;
        if (jfrFile != null) {
            // Started while descriptors are plentiful: the recording's files are open before they run out.
            recording = new Recording();
            recording.enable("dev.customtransport.AcceptBackoff");
            recording.start();
        }
        AtomicLong accepted = new AtomicLong();
        AtomicLong reports = new AtomicLong();
        CustomEventLoopGroup group = new CustomEventLoopGroup(1);
        CustomEventLoop loop = (CustomEventLoop) group.next();
        Channel server = new ServerBootstrap().group(group).channel(CustomServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .handler(new ReportCounter(reports))
                .childHandler(new ChildCounter(accepted))
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        System.out.println("PORT " + ((InetSocketAddress) server.localAddress()).getPort());
        System.out.flush();
        Thread stats = new Thread(() -> {
            try {
                for (;;) {
                    LoopCounters c = loop.submit(() -> loop.counters().copy()).get();
                    System.out.println("STAT " + accepted.get() + ' ' + reports.get() + ' ' + c.waits() + ' '
                            + c.acceptBackoffs());
                    System.out.flush();
                    Thread.sleep(250);
                }
            } catch (Exception e) {
                // the group is shutting down
            }
        });
        stats.setDaemon(true);
        stats.start();
        while (System.in.read() >= 0) {
            // run until the parent closes our stdin
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        if (recording != null) {
            recording.stop();
            recording.dump(Path.of(jfrFile));
        }
    }

    /** Counts the accept failures that reach the pipeline; swallows them so that only the transport backs off. */
    @ChannelHandler.Sharable
    static final class ReportCounter extends ChannelInboundHandlerAdapter {
        private final AtomicLong reports;

        ReportCounter(AtomicLong reports) {
            this.reports = reports;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            reports.incrementAndGet();
        }
    }

    /** Counts accepted connections and closes each when its peer does. */
    @ChannelHandler.Sharable
    static final class ChildCounter extends ChannelInboundHandlerAdapter {
        private final AtomicLong accepted;

        ChildCounter(AtomicLong accepted) {
            this.accepted = accepted;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            accepted.incrementAndGet();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }
}

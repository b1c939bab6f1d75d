package dev.customtransport.microbench.server;

import dev.customtransport.CustomIoHandler;
import dev.customtransport.LoopCounters;
import dev.customtransport.microbench.EchoServerHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ThreadAwareExecutor;
import io.netty.util.internal.PlatformDependent;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One server JVM of the comparison: an echo server and an HTTP/1.1 plaintext server (Netty's HTTP codec) on
 * 127.0.0.1, both on one event loop thread named {@code bench-io-...}, on the transport named by the argument.
 * It prints {@code READY echo=<port> http=<port>} and then answers the runner on stdin, one line each:
 * <ul>
 *   <li>{@code gc}: two full GCs, then {@code heap <live heap bytes> direct <Netty direct memory bytes>};</li>
 *   <li>{@code alloc}: {@code alloc <bytes>}, what the I/O thread has allocated on the heap so far;</li>
 *   <li>{@code counters}: our loop's {@link LoopCounters} ({@code counters waits=.. events=.. ctl=.. wakeups=..}),
 *       or {@code counters n/a} for the other transports;</li>
 *   <li>{@code quit}, or the end of stdin: shuts down and exits.</li>
 * </ul>
 * Exit status 3 (after a line {@code UNAVAILABLE <cause>}) when the transport cannot run here.
 */
public final class BenchServer {
    static final String IO_THREAD_PREFIX = "bench-io";

    private BenchServer() { }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ... server <" + ids() + ">");
            System.exit(64);
        }
        ServerTransport transport = ServerTransport.byId(args[0]);
        Throwable cause = transport.unavailabilityCause();
        if (cause != null) {
            System.out.println("UNAVAILABLE " + cause);
            System.out.flush();
            System.exit(3);
        }
        List<IoHandler> handlers = new CopyOnWriteArrayList<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(IO_THREAD_PREFIX),
                recording(transport.newFactory(), handlers));
        try {
            Channel echo = bind(group, transport, EchoServerHandler.INSTANCE);
            Channel http = bind(group, transport, new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpServerCodec(), new PlaintextHandler());
                }
            });
            System.out.printf(Locale.ROOT, "READY echo=%d http=%d%n", port(echo), port(http));
            System.out.flush();
            serveCommands(group, handlers);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    private static Channel bind(EventLoopGroup group, ServerTransport transport, ChannelHandler child)
            throws InterruptedException {
        return new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(child)
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    }

    private static int port(Channel ch) {
        return ((InetSocketAddress) ch.localAddress()).getPort();
    }

    private static void serveCommands(EventLoopGroup group, List<IoHandler> handlers) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        for (String line; (line = in.readLine()) != null; ) {
            switch (line.trim()) {
                case "gc":
                    System.gc();
                    System.gc();
                    System.out.println("heap " + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
                            + " direct " + PlatformDependent.usedDirectMemory());
                    break;
                case "alloc":
                    System.out.println("alloc " + ioThreadAllocatedBytes());
                    break;
                case "counters":
                    System.out.println("counters " + group.next().submit(() -> counters(handlers)).get(5,
                            TimeUnit.SECONDS));
                    break;
                case "quit":
                    return;
                default:
                    System.out.println("error unknown command: " + line);
            }
            System.out.flush();
        }
    }

    private static long ioThreadAllocatedBytes() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!(mx instanceof com.sun.management.ThreadMXBean)) {
            return -1;
        }
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(IO_THREAD_PREFIX)) {
                return ((com.sun.management.ThreadMXBean) mx).getThreadAllocatedBytes(t.getId());
            }
        }
        return -1;
    }

    /** Runs on the loop, where the counters are exact. */
    private static String counters(List<IoHandler> handlers) {
        for (IoHandler h : handlers) {
            if (h instanceof CustomIoHandler) {
                LoopCounters c = ((CustomIoHandler) h).counters();
                return "waits=" + c.waits() + " idlePolls=" + c.idlePolls() + " events=" + c.events()
                        + " ctl=" + c.controlCalls()
                        + " wakeups=" + c.wakeupsWritten() + " ready=" + c.readyQueueRuns();
            }
        }
        return "n/a";
    }

    /** Keeps every handler the factory makes, so the loop's counters can be read. */
    private static IoHandlerFactory recording(IoHandlerFactory factory, List<IoHandler> handlers) {
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                IoHandler h = factory.newHandler(executor);
                handlers.add(h);
                return h;
            }

            @Override
            public boolean isChangingThreadSupported() {
                return factory.isChangingThreadSupported();
            }
        };
    }

    private static String ids() {
        StringBuilder sb = new StringBuilder();
        for (ServerTransport t : ServerTransport.values()) {
            sb.append(sb.length() == 0 ? "" : "|").append(t.id());
        }
        return sb.toString();
    }
}

package dev.customtransport.microbench;

import dev.customtransport.Custom;
import dev.customtransport.CustomIoHandler;
import dev.customtransport.CustomServerSocketChannel;
import dev.customtransport.CustomSocketChannel;
import dev.customtransport.ReadinessMode;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The echo example ({@code java -jar transport-native-custom-microbench.jar echo [options]}): an echo server and a
 * client on transport-native-custom in this JVM, over 127.0.0.1, one message in flight (ping-pong). Every byte
 * that comes back is checked against what was sent; it prints messages per second and the round-trip p50/p99.
 * It never falls back to another transport: if {@link Custom#isAvailable()} is false it prints the cause and
 * exits with status 2.
 *
 * <p>Exit status: 0 success; 1 the echo failed (wrong byte, closed connection, exception, timeout);
 * 2 transport-native-custom is not available; 64 bad arguments.
 */
public final class EchoExample {
    static final int EXIT_OK = 0;
    static final int EXIT_ECHO_FAILED = 1;
    static final int EXIT_UNAVAILABLE = 2;
    static final int EXIT_USAGE = 64;

    private EchoExample() { }

    static int run(String[] args) throws InterruptedException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(Options.USAGE);
            return EXIT_USAGE;
        }
        if (options.help) {
            System.out.println(Options.USAGE);
            return EXIT_OK;
        }
        return runEchoExample(options);
    }

    static int runEchoExample(Options options) throws InterruptedException {
        System.out.printf(Locale.ROOT, "transport-native-custom echo example: Java %s (%s), %s %s%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                System.getProperty("os.name"), System.getProperty("os.arch"));

        if (!Custom.isAvailable()) {
            Throwable cause = Custom.unavailabilityCause();
            System.err.println("transport-native-custom is NOT available in this JVM; nothing was run "
                    + "(this program does not fall back to another transport).");
            System.err.println("cause: " + cause);
            if (cause != null) {
                cause.printStackTrace();
            }
            if (Boolean.getBoolean("dev.customtransport.disabled")) {
                System.err.println("note: -Ddev.customtransport.disabled=true is set, which turns the transport off.");
            }
            return EXIT_UNAVAILABLE;
        }

        System.out.printf(Locale.ROOT, "%d messages of %d bytes (after %d warm-up messages), one in flight, "
                + "over 127.0.0.1%n", options.messages, options.size, options.warmup);
        int status = EXIT_OK;
        for (ReadinessMode mode : options.modes) {
            try {
                runOneMode(mode, options);
            } catch (Exception e) {
                System.err.printf(Locale.ROOT, "[%s] FAILED: %s%n", mode, e);
                e.printStackTrace();
                status = EXIT_ECHO_FAILED;
            }
        }
        System.out.println(status == EXIT_OK ? "OK" : "FAILED");
        return status;
    }

    private static void runOneMode(ReadinessMode mode, Options options) throws Exception {
        EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, CustomIoHandler.newFactory(mode));
        EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(1, CustomIoHandler.newFactory(mode));
        Channel server = null;
        Channel client = null;
        try {
            server = new ServerBootstrap()
                    .group(serverGroup)
                    .channel(CustomServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(EchoServerHandler.INSTANCE)
                    .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();

            PingPongClient pingPong = new PingPongClient(options.warmup, options.messages, options.size);
            client = new Bootstrap()
                    .group(clientGroup)
                    .channel(CustomSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(pingPong)
                    .connect(server.localAddress()).sync().channel();

            try {
                pingPong.done.get(options.timeoutSeconds, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new TimeoutException("no result after " + options.timeoutSeconds + " s; "
                        + pingPong.progress());
            } catch (ExecutionException e) {
                throw new IOException("echo failed; " + pingPong.progress(), e.getCause());
            }
            pingPong.report(mode, client);
        } finally {
            if (client != null) {
                client.close().syncUninterruptibly();
            }
            if (server != null) {
                server.close().syncUninterruptibly();
            }
            clientGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
            serverGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * Sends message {@code i} ({@code size} bytes, content a function of {@code i} and the offset), waits until all
     * of it has come back, checking each byte, and only then sends message {@code i + 1}. All state is touched only
     * by the channel's event loop, except the result, which is published through {@link #done}.
     */
    static final class PingPongClient extends ChannelInboundHandlerAdapter {
        private final int warmup;
        private final int total;
        private final int size;
        private final long[] roundTripNanos;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        private int current;       // index of the message in flight
        private int receivedBytes; // bytes of it that came back so far
        private long sentAt;
        private long measureStart;
        private long measureEnd;

        PingPongClient(int warmup, int messages, int size) {
            this.warmup = warmup;
            this.total = warmup + messages;
            this.size = size;
            this.roundTripNanos = new long[messages];
        }

        static byte expected(int message, int offset) {
            return (byte) (message * 131 + offset * 7 + (offset >>> 8) + 1);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            sendCurrent(ctx);
        }

        private void sendCurrent(ChannelHandlerContext ctx) {
            ByteBuf buf = ctx.alloc().directBuffer(size);
            for (int offset = 0; offset < size; offset++) {
                buf.writeByte(expected(current, offset));
            }
            if (current == warmup) {
                measureStart = System.nanoTime();
            }
            sentAt = System.nanoTime();
            ctx.writeAndFlush(buf).addListener(f -> {
                if (!f.isSuccess()) {
                    done.completeExceptionally(f.cause());
                }
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                int readable = in.readableBytes();
                int index = in.readerIndex();
                for (int i = 0; i < readable; i++) {
                    if (current == total) {
                        fail(ctx, (readable - i) + " unexpected bytes after the last message");
                        return;
                    }
                    byte got = in.getByte(index + i);
                    byte want = expected(current, receivedBytes);
                    if (got != want) {
                        fail(ctx, String.format(Locale.ROOT, "message %d, byte %d: expected 0x%02x, got 0x%02x",
                                current, receivedBytes, want & 0xff, got & 0xff));
                        return;
                    }
                    if (++receivedBytes == size) {
                        long now = System.nanoTime();
                        if (current >= warmup) {
                            roundTripNanos[current - warmup] = now - sentAt;
                        }
                        receivedBytes = 0;
                        if (++current == total) {
                            measureEnd = now;
                        } else {
                            sendCurrent(ctx);
                        }
                    }
                }
                if (current == total) {
                    done.complete(null);
                }
            } finally {
                in.release();
            }
        }

        private void fail(ChannelHandlerContext ctx, String what) {
            done.completeExceptionally(new IOException("echo mismatch: " + what));
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.completeExceptionally(new IOException("connection closed before all messages came back"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
            ctx.close();
        }

        String progress() {
            // racy read of loop-owned state, only for an error message
            return current + " of " + total + " messages (incl. warm-up) came back complete";
        }

        void report(ReadinessMode mode, Channel channel) {
            long[] sorted = roundTripNanos.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            double seconds = (measureEnd - measureStart) / 1e9;
            System.out.printf(Locale.ROOT, "[%s] %s: %d round trips of %d bytes, every byte verified%n",
                    mode, channel.getClass().getSimpleName(), n, size);
            if (n == 0) {
                return;
            }
            System.out.printf(Locale.ROOT, "[%s]   %.0f messages/s; round trip p50 %.1f us, p99 %.1f us, "
                            + "p99.9 %.1f us, max %.1f us%n",
                    mode, n / seconds, micros(sorted, 0.50), micros(sorted, 0.99), micros(sorted, 0.999),
                    sorted[n - 1] / 1e3);
        }

        private static double micros(long[] sorted, double quantile) {
            int index = (int) Math.ceil(quantile * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e3;
        }
    }

    static final class Options {
        static final String USAGE = String.join("\n",
                "usage: java -jar transport-native-custom-microbench.jar echo [options]",
                "options (echo example on transport-native-custom, server and client in this JVM):",
                "  --messages=N      measured messages per readiness mode (default 50000)",
                "  --warmup=N        unmeasured messages sent first (default 5000)",
                "  --size=BYTES      message size (default 64)",
                "  --mode=M          LEVEL_TRIGGERED, EDGE_TRIGGERED or both (default both)",
                "  --timeout=SECONDS give up per mode after this long (default 120)",
                "exit status: 0 ok, 1 echo failed, 2 transport not available, 64 bad arguments");

        int messages = 50_000;
        int warmup = 5_000;
        int size = 64;
        List<ReadinessMode> modes = List.of(ReadinessMode.LEVEL_TRIGGERED, ReadinessMode.EDGE_TRIGGERED);
        long timeoutSeconds = 120;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            for (String arg : args) {
                if ("-h".equals(arg) || "--help".equals(arg)) {
                    o.help = true;
                    continue;
                }
                int eq = arg.indexOf('=');
                if (!arg.startsWith("--") || eq < 0) {
                    throw new IllegalArgumentException("unknown argument: " + arg);
                }
                String key = arg.substring(2, eq);
                String value = arg.substring(eq + 1);
                switch (key) {
                    case "messages": o.messages = positive(key, value, 1); break;
                    case "warmup": o.warmup = positive(key, value, 0); break;
                    case "size": o.size = positive(key, value, 1); break;
                    case "timeout": o.timeoutSeconds = positive(key, value, 1); break;
                    case "mode": o.modes = modes(value); break;
                    default: throw new IllegalArgumentException("unknown option: --" + key);
                }
            }
            return o;
        }

        private static int positive(String key, String value, int min) {
            try {
                int v = Integer.parseInt(value);
                if (v >= min) {
                    return v;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException("--" + key + " must be an integer >= " + min + ", not " + value);
        }

        private static List<ReadinessMode> modes(String value) {
            if ("both".equalsIgnoreCase(value)) {
                return List.of(ReadinessMode.LEVEL_TRIGGERED, ReadinessMode.EDGE_TRIGGERED);
            }
            List<ReadinessMode> list = new ArrayList<>();
            for (String name : value.split(",")) {
                try {
                    list.add(ReadinessMode.valueOf(name.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--mode must be LEVEL_TRIGGERED, EDGE_TRIGGERED or both, not "
                            + value);
                }
            }
            return List.copyOf(list);
        }
    }
}

/*
 * An ordinary Netty 4.2 echo server and client, switched to transport-native-custom by changing the event loop
 * group's IoHandler factory and the channel classes. Nothing else in the program knows which transport it runs on.
 *
 * Run it with the JDK's source launcher (Java 17+), with only the transport jar, Netty and JCTools on the class path:
 *
 *   java --enable-native-access=ALL-UNNAMED \
 *        -cp transport-native-custom-0.1.0-SNAPSHOT.jar:netty-common-4.2.21.Final.jar:netty-buffer-4.2.21.Final.jar:\
 *   netty-resolver-4.2.21.Final.jar:netty-transport-4.2.21.Final.jar:\
 *   netty-transport-native-unix-common-4.2.21.Final.jar:jctools-core-4.0.5.jar \
 *        examples/EchoExample.java
 *
 * Exit status 0: the message came back byte for byte. 1: anything else (transport not available, connection
 * failed, wrong or missing echo, timeout); the reason is printed on stderr.
 */

import dev.customtransport.Custom;
import dev.customtransport.CustomIoHandler;
import dev.customtransport.CustomServerSocketChannel;
import dev.customtransport.CustomSocketChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

public final class EchoExample {
    private static final String MESSAGE = "Hello from transport-native-custom";

    public static void main(String[] args) {
        if (!Custom.isAvailable()) {
            System.err.println("EchoExample: transport-native-custom is not available: "
                    + Custom.unavailabilityCause());
            System.exit(1);
        }
        try {
            String echoed = run();
            if (!MESSAGE.equals(echoed)) {
                System.err.println("EchoExample: FAILED, sent \"" + MESSAGE + "\" but got back \"" + echoed + "\"");
                System.exit(1);
            }
            System.out.println("EchoExample: OK, \"" + echoed + "\" came back over "
                    + CustomSocketChannel.class.getName());
            System.exit(0);
        } catch (Throwable t) {
            System.err.println("EchoExample: FAILED");
            t.printStackTrace();
            System.exit(1);
        }
    }

    static String run() throws Exception {
        // Switch 1 of 2: the IoHandler factory (with NIO this would be NioIoHandler.newFactory()).
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(CustomIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    // Switch 2 of 2: the channel classes (NioServerSocketChannel / NioSocketChannel with NIO).
                    .channel(CustomServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ctx.writeAndFlush(msg); // echo
                                }
                            });
                        }
                    })
                    .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();

            byte[] sent = MESSAGE.getBytes(StandardCharsets.UTF_8);
            CompletableFuture<String> reply = new CompletableFuture<>();
            Channel client = new Bootstrap()
                    .group(group)
                    .channel(CustomSocketChannel.class) // switch 2 of 2, client side
                    .handler(new ChannelInboundHandlerAdapter() {
                        private final ByteArrayOutputStream received = new ByteArrayOutputStream();

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf in = (ByteBuf) msg;
                            try {
                                byte[] bytes = new byte[in.readableBytes()];
                                in.readBytes(bytes);
                                received.writeBytes(bytes); // TCP may deliver the echo in pieces
                            } finally {
                                in.release();
                            }
                            if (received.size() >= sent.length) {
                                reply.complete(new String(received.toByteArray(), StandardCharsets.UTF_8));
                            }
                        }

                        @Override
                        public void channelInactive(ChannelHandlerContext ctx) {
                            reply.completeExceptionally(new IllegalStateException(
                                    "connection closed after " + received.size() + " of " + sent.length
                                            + " bytes came back"));
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            reply.completeExceptionally(cause);
                            ctx.close();
                        }
                    })
                    .connect(server.localAddress()).sync().channel();

            client.writeAndFlush(Unpooled.wrappedBuffer(sent)).sync();
            try {
                return reply.get(10, TimeUnit.SECONDS);
            } finally {
                client.close().sync();
                server.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}

package dev.customtransport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One echo round trip over channels taken from {@link Transports}, whichever transport it chose; returns the
 * channels used so the caller can check their classes.
 */
final class TransportsEcho {
    private TransportsEcho() { }

    /** Stream echo: a server of {@code serverClass} bound to {@code address}, a client from {@code clientFactory}. */
    static Channel[] stream(EventLoopGroup group, Class<? extends ServerChannel> serverClass,
                            ChannelFactory<? extends Channel> clientFactory, SocketAddress address) throws Exception {
        BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        Channel server = new ServerBootstrap().group(group).channel(serverClass)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        accepted.add(ctx.channel());
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.writeAndFlush(msg);
                    }
                })
                .bind(address).sync().channel();
        BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        Channel client = new Bootstrap().group(group).channelFactory(clientFactory)
                .handler(new SimpleChannelInboundHandler<ByteBuf>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                        replies.add(msg.toString(StandardCharsets.US_ASCII));
                    }
                })
                .connect(server.localAddress()).sync().channel();
        try {
            client.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII)).sync();
            assertEquals("ping", replies.poll(10, TimeUnit.SECONDS));
            return new Channel[] {server, client, accepted.poll(10, TimeUnit.SECONDS)};
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    /** UDP echo on loopback between two channels from {@code factory}. */
    static Channel[] datagram(EventLoopGroup group, ChannelFactory<? extends Channel> factory) throws Exception {
        Channel echo = new Bootstrap().group(group).channelFactory(factory)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        ctx.writeAndFlush(new DatagramPacket(packet.content().retain(), packet.sender()));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        Channel client = new Bootstrap().group(group).channelFactory(factory)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        replies.add(packet.content().toString(StandardCharsets.US_ASCII));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try {
            client.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII),
                    (InetSocketAddress) echo.localAddress())).sync();
            assertEquals("ping", replies.poll(10, TimeUnit.SECONDS));
            return new Channel[] {echo, client};
        } finally {
            client.close().sync();
            echo.close().sync();
        }
    }
}

package dev.customtransport.microbench;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Writes back every buffer it reads and flushes once per read batch; shared by all accepted channels. Void
 * promises: the echo allocates nothing of its own, so what the transport allocates is what shows.
 */
@ChannelHandler.Sharable
public final class EchoServerHandler extends ChannelInboundHandlerAdapter {
    public static final EchoServerHandler INSTANCE = new EchoServerHandler();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ctx.write(msg, ctx.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        System.err.println("echo server: closing " + ctx.channel() + " after: " + cause);
        ctx.close();
    }
}

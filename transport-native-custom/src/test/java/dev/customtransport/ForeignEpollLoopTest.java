package dev.customtransport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty's own epoll transport and ours in one JVM (run only by the surefire execution that puts Netty's epoll on
 * the class path): a channel of one transport registered on the other's loop fails at registration with a clear
 * message, and neither transport's library disturbs the other's.
 */
class ForeignEpollLoopTest {

    @Test
    void ourChannelOnNettysEpollLoopAndTheirsOnOursFailFast() throws Exception {
        Epoll.ensureAvailability();
        EventLoopGroup theirs = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup ours = new CustomEventLoopGroup(1);
        try {
            Channel ourChannel = new CustomSocketChannel();
            ChannelFuture f = theirs.register(ourChannel).await();
            assertFalse(f.isSuccess());
            assertTrue(String.valueOf(f.cause().getMessage()).contains("incompatible event loop type"),
                    f.cause().toString());
            // As with every Netty transport, a refused registration leaves closing to the caller (Bootstrap does
            // it); closing an unregistered channel releases its fd.
            ourChannel.unsafe().closeForcibly();
            assertFalse(ourChannel.isOpen());

            Channel theirChannel = new EpollSocketChannel();
            ChannelFuture g = ours.register(theirChannel).await();
            assertFalse(g.isSuccess());
            assertTrue(String.valueOf(g.cause().getMessage()).contains("incompatible event loop type"),
                    g.cause().toString());
            theirChannel.unsafe().closeForcibly();
            assertFalse(theirChannel.isOpen());

            // Both still work side by side.
            assertTrue(ours.register(new CustomSocketChannel()).await().isSuccess());
            assertTrue(theirs.register(new EpollSocketChannel()).await().isSuccess());
        } finally {
            theirs.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            ours.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }
}

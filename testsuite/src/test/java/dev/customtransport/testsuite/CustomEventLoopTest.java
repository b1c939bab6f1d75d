package dev.customtransport.testsuite;

import dev.customtransport.CustomEventLoopGroup;
import dev.customtransport.CustomIoHandler;
import dev.customtransport.CustomServerSocketChannel;
import dev.customtransport.CustomSocketChannel;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.testsuite.transport.AbstractSingleThreadEventLoopTest;
import io.netty.util.concurrent.ScheduledFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty's {@link AbstractSingleThreadEventLoopTest} on our event loop, once per readiness mode: {@link Level} and
 * {@link Edge}.
 */
public abstract class CustomEventLoopTest extends AbstractSingleThreadEventLoopTest implements ReadinessModeTest {

    /** Our loops can list their registered channels, as Netty's epoll loops can. */
    @Override
    protected boolean supportsChannelIteration() {
        return true;
    }

    @Override
    protected EventLoopGroup newEventLoopGroup() {
        return new CustomEventLoopGroup(2, mode());
    }

    @Override
    protected EventLoopGroup newAutoScalingEventLoopGroup() {
        return new CustomEventLoopGroup(SCALING_MAX_THREADS, (Executor) null, AUTO_SCALING_CHOOSER_FACTORY,
                CustomIoHandler.newFactory(mode()));
    }

    @Override
    protected Channel newChannel() {
        return new CustomSocketChannel();
    }

    @Override
    protected Class<? extends ServerChannel> serverChannelClass() {
        return CustomServerSocketChannel.class;
    }

    /**
     * As Netty's epoll loop test: a task scheduled {@code Long.MAX_VALUE} ms ahead must neither throw nor overflow
     * into a deadline in the past (the loop would then spin or run it at once), and the loop must stay usable.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    public void testScheduleBigDelayNotOverflow() throws Exception {
        EventLoopGroup group = newEventLoopGroup();
        try {
            EventLoop loop = group.next();
            ScheduledFuture<?> future = loop.schedule(() -> { }, Long.MAX_VALUE, TimeUnit.MILLISECONDS);
            assertFalse(future.await(500), "a task scheduled Long.MAX_VALUE ms ahead completed");
            assertTrue(loop.submit(() -> { }).await(5000), "loop stopped running tasks");
            assertTrue(future.cancel(true));
        } finally {
            group.shutdownGracefully().syncUninterruptibly();
        }
    }

    @LevelTriggered
    public static final class Level extends CustomEventLoopTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomEventLoopTest {
    }
}

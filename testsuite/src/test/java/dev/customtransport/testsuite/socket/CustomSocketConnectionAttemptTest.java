package dev.customtransport.testsuite.socket;

import dev.customtransport.testsuite.BadHost;
import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketConnectionAttemptTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty's {@link SocketConnectionAttemptTest} on our transport, once per readiness mode: {@link Level} and
 * {@link Edge}.
 *
 * <p>Its "bad host" is {@link BadHost}, a loopback listener whose full accept queue drops SYNs, so the timeout and
 * cancellation tests really wait on an unanswered connect, and nothing leaves the machine.
 */
public abstract class CustomSocketConnectionAttemptTest extends SocketConnectionAttemptTest
        implements ReadinessModeTest {

    /**
     * {@code clientSocket()}: the list Netty's epoll transport uses for this class.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapFactory<Bootstrap>> newFactories() {
        return permutation().clientSocket();
    }

    /**
     * Netty's {@code testConnectTimeout} only checks that the connect future completes within 3 s, which a refused
     * connection also does. Here the connect must fail with {@link ConnectTimeoutException}, not before the
     * timeout, and leave the channel closed.
     */
    @Test
    @Timeout(value = 30000, unit = TimeUnit.MILLISECONDS)
    public void testConnectTimeoutFailsWithConnectTimeoutException(TestInfo testInfo) throws Throwable {
        run(testInfo, this::testConnectTimeoutFailsWithConnectTimeoutException);
    }

    public void testConnectTimeoutFailsWithConnectTimeoutException(Bootstrap cb) throws Throwable {
        final int timeoutMillis = 500;
        cb.handler(new ChannelInboundHandlerAdapter()).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis);
        long start = System.nanoTime();
        ChannelFuture future = cb.connect(BadHost.address());
        try {
            assertTrue(future.await(timeoutMillis + 5000), "connect neither failed nor succeeded");
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertInstanceOf(ConnectTimeoutException.class, future.cause(), "cause");
            assertTrue(elapsedMillis >= timeoutMillis - 50, "timed out after only " + elapsedMillis + " ms");
            assertTrue(future.channel().closeFuture().await(1000), "channel not closed after the timeout");
            assertFalse(future.channel().isActive());
        } finally {
            future.channel().close();
        }
    }

    @LevelTriggered
    public static final class Level extends CustomSocketConnectionAttemptTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomSocketConnectionAttemptTest {
    }
}

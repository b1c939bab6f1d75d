package dev.customtransport.testsuite.socket;

import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketSpdyEchoTest;

import java.util.List;

/**
 * Netty's {@link SocketSpdyEchoTest} on our transport, once per readiness mode: {@link Level} and {@link Edge}.
 */
public abstract class CustomSocketSpdyEchoTest extends SocketSpdyEchoTest implements ReadinessModeTest {

    /**
     * {@code socket()}: Netty's epoll transport does not run this class;
     * {@code socket()} is what its Netty base class uses.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return permutation().socket();
    }

    @LevelTriggered
    public static final class Level extends CustomSocketSpdyEchoTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomSocketSpdyEchoTest {
    }
}

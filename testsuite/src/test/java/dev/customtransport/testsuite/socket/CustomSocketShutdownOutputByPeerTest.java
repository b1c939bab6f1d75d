package dev.customtransport.testsuite.socket;

import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketShutdownOutputByPeerTest;

import java.util.List;

/**
 * Netty's {@link SocketShutdownOutputByPeerTest} on our transport, once per readiness mode: {@link Level} and
 * {@link Edge}.
 */
public abstract class CustomSocketShutdownOutputByPeerTest extends SocketShutdownOutputByPeerTest
        implements ReadinessModeTest {

    /**
     * {@code serverSocket()}: the list Netty's epoll transport uses for this class.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapFactory<ServerBootstrap>> newFactories() {
        return permutation().serverSocket();
    }

    @LevelTriggered
    public static final class Level extends CustomSocketShutdownOutputByPeerTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomSocketShutdownOutputByPeerTest {
    }
}

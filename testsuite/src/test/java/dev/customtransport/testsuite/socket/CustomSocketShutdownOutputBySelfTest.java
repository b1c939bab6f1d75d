package dev.customtransport.testsuite.socket;

import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketShutdownOutputBySelfTest;

import java.util.List;

/**
 * Netty's {@link SocketShutdownOutputBySelfTest} on our transport, once per readiness mode: {@link Level} and
 * {@link Edge}.
 */
public abstract class CustomSocketShutdownOutputBySelfTest extends SocketShutdownOutputBySelfTest
        implements ReadinessModeTest {

    /**
     * {@code clientSocket()}: the list Netty's epoll transport uses for this class.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapFactory<Bootstrap>> newFactories() {
        return permutation().clientSocket();
    }

    @LevelTriggered
    public static final class Level extends CustomSocketShutdownOutputBySelfTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomSocketShutdownOutputBySelfTest {
    }
}

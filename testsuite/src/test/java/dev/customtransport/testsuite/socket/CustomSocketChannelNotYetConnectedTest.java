package dev.customtransport.testsuite.socket;

import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketChannelNotYetConnectedTest;

import java.util.List;

/**
 * Netty's {@link SocketChannelNotYetConnectedTest} on our transport, once per readiness mode: {@link Level} and
 * {@link Edge}.
 */
public abstract class CustomSocketChannelNotYetConnectedTest extends SocketChannelNotYetConnectedTest
        implements ReadinessModeTest {

    /**
     * {@code clientSocketWithFastOpen()}: the list Netty's epoll transport uses for this class.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapFactory<Bootstrap>> newFactories() {
        return permutation().clientSocketWithFastOpen();
    }

    @LevelTriggered
    public static final class Level extends CustomSocketChannelNotYetConnectedTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomSocketChannelNotYetConnectedTest {
    }
}

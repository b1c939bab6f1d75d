package dev.customtransport.testsuite.socket;

import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketShutdownOutputBySelfTest;

import java.util.List;

/**
 * Netty's {@link SocketShutdownOutputBySelfTest} on our transport, in the readiness mode of the concrete subclass:
 * {@link SocketShutdownOutputBySelfLevelTest}, {@link SocketShutdownOutputBySelfEdgeTest}.
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
}

package dev.customtransport.testsuite.socket;

import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketConditionalWritabilityTest;

import java.util.List;

/**
 * Netty's {@link SocketConditionalWritabilityTest} on our transport, in the readiness mode of the concrete subclass:
 * {@link SocketConditionalWritabilityLevelTest}, {@link SocketConditionalWritabilityEdgeTest}.
 */
public abstract class CustomSocketConditionalWritabilityTest extends SocketConditionalWritabilityTest
        implements ReadinessModeTest {

    /**
     * {@code socketWithFastOpen()}: the list Netty's epoll transport uses for this class.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return permutation().socketWithFastOpen();
    }
}

package dev.customtransport.testsuite.socket;

import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketCloseForciblyTest;

import java.util.List;

/**
 * Netty's {@link SocketCloseForciblyTest} on our transport, in the readiness mode of the concrete subclass:
 * {@link SocketCloseForciblyLevelTest}, {@link SocketCloseForciblyEdgeTest}.
 */
public abstract class CustomSocketCloseForciblyTest extends SocketCloseForciblyTest implements ReadinessModeTest {

    /**
     * {@code socketWithoutFastOpen()}: the list Netty's epoll transport uses for this class.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return permutation().socketWithoutFastOpen();
    }
}

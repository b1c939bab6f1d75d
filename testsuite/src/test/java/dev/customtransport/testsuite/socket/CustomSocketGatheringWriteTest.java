package dev.customtransport.testsuite.socket;

import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketGatheringWriteTest;

import java.util.List;

/**
 * Netty's {@link SocketGatheringWriteTest} on our transport, in the readiness mode of the concrete subclass:
 * {@link SocketGatheringWriteLevelTest}, {@link SocketGatheringWriteEdgeTest}.
 */
public abstract class CustomSocketGatheringWriteTest extends SocketGatheringWriteTest implements ReadinessModeTest {

    /**
     * {@code socketWithoutFastOpen()}: the list Netty's epoll transport uses for this class.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return permutation().socketWithoutFastOpen();
    }
}

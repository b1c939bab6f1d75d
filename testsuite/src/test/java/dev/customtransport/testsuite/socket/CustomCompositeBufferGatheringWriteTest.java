package dev.customtransport.testsuite.socket;

import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.CompositeBufferGatheringWriteTest;

import java.util.List;

/**
 * Netty's {@link CompositeBufferGatheringWriteTest} on our transport, in the readiness mode of the concrete subclass:
 * {@link CompositeBufferGatheringWriteLevelTest}, {@link CompositeBufferGatheringWriteEdgeTest}.
 */
public abstract class CustomCompositeBufferGatheringWriteTest extends CompositeBufferGatheringWriteTest
        implements ReadinessModeTest {

    /**
     * {@code socketWithoutFastOpen()}: the list Netty's epoll transport uses for this class.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return permutation().socketWithoutFastOpen();
    }
}

package dev.customtransport.testsuite.domain;

import dev.customtransport.testsuite.CustomSocketTestPermutation;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketGatheringWriteTest;

import java.net.SocketAddress;
import java.util.List;

/**
 * Netty's {@link SocketGatheringWriteTest} on our transport over unix domain sockets, in the readiness mode of the concrete subclass:
 * {@link DomainSocketGatheringWriteLevelTest}, {@link DomainSocketGatheringWriteEdgeTest}.
 */
public abstract class CustomDomainSocketGatheringWriteTest extends SocketGatheringWriteTest implements ReadinessModeTest {

    /** {@code domainSocket()}: ours only (NIO has no domain socket channel here), as Netty's epoll transport runs it. */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return permutation().domainSocket();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return CustomSocketTestPermutation.newDomainSocketAddress();
    }
}

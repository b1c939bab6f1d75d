package dev.customtransport.testsuite.domain;

import dev.customtransport.testsuite.CustomSocketTestPermutation;
import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.ExecutionTags;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketSslEchoTest;
import org.junit.jupiter.api.Tag;

import java.net.SocketAddress;
import java.util.List;

/**
 * Netty's {@link SocketSslEchoTest} on our transport over unix domain sockets, once per readiness mode: {@link Level}
 * and {@link Edge}.
 */
@Tag(ExecutionTags.SSL)
public abstract class CustomDomainSocketSslEchoTest extends SocketSslEchoTest implements ReadinessModeTest {

    /** {@code domainSocket()}: ours only (NIO has no domain socket channel here), as Netty's epoll transport runs it. */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return permutation().domainSocket();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return CustomSocketTestPermutation.newDomainSocketAddress();
    }

    @LevelTriggered
    public static final class Level extends CustomDomainSocketSslEchoTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomDomainSocketSslEchoTest {
    }
}

package dev.customtransport.testsuite.domain;

import dev.customtransport.testsuite.CustomSocketTestPermutation;
import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.ExecutionTags;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.handler.ssl.OpenSsl;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketSslClientRenegotiateTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

import java.net.SocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Netty's {@link SocketSslClientRenegotiateTest} on our transport over unix domain sockets, once per readiness mode:
 * {@link Level} and {@link Edge}.
 */
@Tag(ExecutionTags.SSL)
public abstract class CustomDomainSocketSslClientRenegotiateTest extends SocketSslClientRenegotiateTest implements ReadinessModeTest {

    /** {@code domainSocket()}: ours only (NIO has no domain socket channel here), as Netty's epoll transport runs it. */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return permutation().domainSocket();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return CustomSocketTestPermutation.newDomainSocketAddress();
    }

    /**
     * Netty's cases need an OpenSSL that renegotiates, which BoringSSL (netty-tcnative-boringssl-static, the default
     * execution's) is not; Netty's own assumption then says only "assumption is not true".
     */
    @BeforeEach
    void assumeRenegotiation() {
        assumeTrue(OpenSsl.isRenegotiationSupported(), () -> (OpenSsl.isAvailable() ? OpenSsl.versionString()
                : "no netty-tcnative") + " cannot renegotiate: these cases run in the openssl execution");
    }

    @LevelTriggered
    public static final class Level extends CustomDomainSocketSslClientRenegotiateTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomDomainSocketSslClientRenegotiateTest {
    }
}

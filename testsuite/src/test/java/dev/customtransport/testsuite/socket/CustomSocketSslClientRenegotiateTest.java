package dev.customtransport.testsuite.socket;

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

import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Netty's {@link SocketSslClientRenegotiateTest} on our transport, once per readiness mode: {@link Level} and
 * {@link Edge}.
 */
@Tag(ExecutionTags.SSL)
public abstract class CustomSocketSslClientRenegotiateTest extends SocketSslClientRenegotiateTest
        implements ReadinessModeTest {

    /**
     * {@code socketWithFastOpen()}: the list Netty's epoll transport uses for this class.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return permutation().socketWithFastOpen();
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
    public static final class Level extends CustomSocketSslClientRenegotiateTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomSocketSslClientRenegotiateTest {
    }
}

package dev.customtransport.testsuite.socket;

import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.ExecutionTags;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketSslEchoTest;
import org.junit.jupiter.api.Tag;

import java.util.List;

/**
 * Netty's {@link SocketSslEchoTest} on our transport, once per readiness mode: {@link Level} and {@link Edge}.
 */
@Tag(ExecutionTags.SSL)
public abstract class CustomSocketSslEchoTest extends SocketSslEchoTest implements ReadinessModeTest {

    /**
     * {@code socketWithFastOpen()}: the list Netty's epoll transport uses for this class.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return permutation().socketWithFastOpen();
    }

    @LevelTriggered
    public static final class Level extends CustomSocketSslEchoTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomSocketSslEchoTest {
    }
}

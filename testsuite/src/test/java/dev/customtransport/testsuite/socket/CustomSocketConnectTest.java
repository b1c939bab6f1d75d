package dev.customtransport.testsuite.socket;

import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketConnectTest;

import java.util.List;

/**
 * Netty's {@link SocketConnectTest} on our transport, once per readiness mode: {@link Level} and {@link Edge}.
 */
public abstract class CustomSocketConnectTest extends SocketConnectTest implements ReadinessModeTest {

    /**
     * {@code socketWithoutFastOpen()}: the list Netty's epoll transport uses for this class.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return permutation().socketWithoutFastOpen();
    }

    // TODO(tcp-fast-open): override enableTcpFastOpen(sb, cb) once our channels support TCP fast open. Until then
    // Netty's version sets ChannelOption.TCP_FASTOPEN / TCP_FASTOPEN_CONNECT, which our channels may not know yet
    // (the bootstrap then only logs a warning), and the testWriteWithFastOpenBeforeConnect* tests only check that
    // a write queued before connect() arrives.

    @LevelTriggered
    public static final class Level extends CustomSocketConnectTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomSocketConnectTest {
    }
}

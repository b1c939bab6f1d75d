package dev.customtransport.testsuite.socket;

import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketMultipleConnectTest;

import java.util.List;

/**
 * Netty's {@link SocketMultipleConnectTest} on our transport, once per readiness mode: {@link Level} and {@link Edge}.
 */
public abstract class CustomSocketMultipleConnectTest extends SocketMultipleConnectTest implements ReadinessModeTest {

    /**
     * {@code socketWithFastOpen()}, as Netty's epoll transport. Netty's own {@code newFactories()} here keeps only
     * combos whose client is on a NIO loop (it filters out OIO); every client of ours is ours or NIO, and a second
     * {@code connect()} on our connected channel must fail with {@code AlreadyConnectedException} too, so all
     * combos stay.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return permutation().socketWithFastOpen();
    }

    @LevelTriggered
    public static final class Level extends CustomSocketMultipleConnectTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomSocketMultipleConnectTest {
    }
}

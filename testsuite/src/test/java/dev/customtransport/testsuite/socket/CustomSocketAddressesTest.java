package dev.customtransport.testsuite.socket;

import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketAddressesTest;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty's {@link SocketAddressesTest} on our transport, once per readiness mode: {@link Level} and {@link Edge}.
 */
public abstract class CustomSocketAddressesTest extends SocketAddressesTest implements ReadinessModeTest {

    /**
     * {@code socketWithFastOpen()}: the list Netty's epoll transport uses for this class.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return permutation().socketWithFastOpen();
    }

    /**
     * Every address the test sees (client local and remote, accepted child local and remote) is a resolved
     * loopback address with a real port: both ends are on localhost, and our channels build addresses from the
     * kernel's {@code sockaddr}, never from what the user passed in.
     */
    @Override
    protected void assertAddress(SocketAddress address) {
        InetSocketAddress inet = assertInstanceOf(InetSocketAddress.class, address);
        assertFalse(inet.isUnresolved(), () -> "unresolved: " + inet);
        assertTrue(inet.getAddress().isLoopbackAddress(), () -> "not loopback: " + inet);
        assertTrue(inet.getPort() > 0 && inet.getPort() <= 0xFFFF, () -> "bad port: " + inet);
    }

    @LevelTriggered
    public static final class Level extends CustomSocketAddressesTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomSocketAddressesTest {
    }
}

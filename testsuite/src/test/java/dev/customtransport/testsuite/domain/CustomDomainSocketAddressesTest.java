package dev.customtransport.testsuite.domain;

import dev.customtransport.testsuite.CustomSocketTestPermutation;
import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketAddressesTest;

import java.net.SocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Netty's {@link SocketAddressesTest} on our transport over unix domain sockets, once per readiness mode: {@link Level}
 * and {@link Edge}.
 */
public abstract class CustomDomainSocketAddressesTest extends SocketAddressesTest implements ReadinessModeTest {

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
     * Every address the test sees is a {@link DomainSocketAddress}; an unbound client's end has an empty path (the
     * kernel reports an unnamed socket), a bound one the path it was bound to.
     */
    @Override
    protected void assertAddress(SocketAddress address) {
        assertInstanceOf(DomainSocketAddress.class, address);
    }

    @LevelTriggered
    public static final class Level extends CustomDomainSocketAddressesTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomDomainSocketAddressesTest {
    }
}

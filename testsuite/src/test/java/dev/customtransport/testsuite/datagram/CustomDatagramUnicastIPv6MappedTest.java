package dev.customtransport.testsuite.datagram;

import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.DatagramUnicastIPv6MappedTest;

import java.util.List;

/**
 * Netty's {@link DatagramUnicastIPv6MappedTest} on our transport over UDP, in the readiness mode of the concrete subclass:
 * {@link DatagramUnicastIPv6MappedLevelTest}, {@link DatagramUnicastIPv6MappedEdgeTest}.
 */
public abstract class CustomDatagramUnicastIPv6MappedTest extends DatagramUnicastIPv6MappedTest implements ReadinessModeTest {

    /**
     * {@code datagram(family)}: ours and NIO, all four pairs, the list Netty's epoll transport uses for this class.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return permutation().datagram(socketInternetProtocalFamily());
    }
}

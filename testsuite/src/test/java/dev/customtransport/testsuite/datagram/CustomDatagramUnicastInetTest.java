package dev.customtransport.testsuite.datagram;

import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.DatagramUnicastInetTest;

import java.util.List;

/**
 * Netty's {@link DatagramUnicastInetTest} on our transport over UDP, in the readiness mode of the concrete subclass:
 * {@link DatagramUnicastInetLevelTest}, {@link DatagramUnicastInetEdgeTest}.
 */
public abstract class CustomDatagramUnicastInetTest extends DatagramUnicastInetTest implements ReadinessModeTest {

    /**
     * {@code datagram(family)}: ours and NIO, all four pairs, the list Netty's epoll transport uses for this class.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return permutation().datagram(socketInternetProtocalFamily());
    }
}

package dev.customtransport.testsuite.datagram;

import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.DatagramUnicastIPv6Test;

import java.util.List;

/**
 * Netty's {@link DatagramUnicastIPv6Test} on our transport over UDP, in the readiness mode of the concrete subclass:
 * {@link DatagramUnicastIPv6LevelTest}, {@link DatagramUnicastIPv6EdgeTest}.
 */
public abstract class CustomDatagramUnicastIPv6Test extends DatagramUnicastIPv6Test implements ReadinessModeTest {

    /**
     * {@code datagram(family)}: ours and NIO, all four pairs, the list Netty's epoll transport uses for this class.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return permutation().datagram(socketInternetProtocalFamily());
    }
}

package dev.customtransport.testsuite.datagram;

import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.DatagramUnicastInetTest;

import java.util.List;

/**
 * Netty's {@link DatagramUnicastInetTest} on our transport over UDP, once per readiness mode: {@link Level} and
 * {@link Edge}.
 */
public abstract class CustomDatagramUnicastInetTest extends DatagramUnicastInetTest implements ReadinessModeTest {

    /**
     * {@code datagram(family)}: ours and NIO, all four pairs, the list Netty's epoll transport uses for this class.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return permutation().datagram(socketInternetProtocalFamily());
    }

    @LevelTriggered
    public static final class Level extends CustomDatagramUnicastInetTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomDatagramUnicastInetTest {
    }
}

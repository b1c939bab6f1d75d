package dev.customtransport.testsuite.datagram;

import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.DatagramConnectNotExistsTest;

import java.util.List;

/**
 * Netty's {@link DatagramConnectNotExistsTest} on our transport over UDP, once per readiness mode: {@link Level} and
 * {@link Edge}.
 */
public abstract class CustomDatagramConnectNotExistsTest extends DatagramConnectNotExistsTest implements ReadinessModeTest {

    /** {@code datagramSocket()}: ours only, the list Netty's epoll transport uses for this class. */
    @Override
    protected List<TestsuitePermutation.BootstrapFactory<Bootstrap>> newFactories() {
        return permutation().datagramSocket();
    }

    @LevelTriggered
    public static final class Level extends CustomDatagramConnectNotExistsTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomDatagramConnectNotExistsTest {
    }
}

package dev.customtransport.testsuite.datagram;

import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.DatagramConnectNotExistsTest;

import java.util.List;

/**
 * Netty's {@link DatagramConnectNotExistsTest} on our transport over UDP, in the readiness mode of the concrete subclass:
 * {@link DatagramConnectNotExistsLevelTest}, {@link DatagramConnectNotExistsEdgeTest}.
 */
public abstract class CustomDatagramConnectNotExistsTest extends DatagramConnectNotExistsTest implements ReadinessModeTest {

    /** {@code datagramSocket()}: ours only, the list Netty's epoll transport uses for this class. */
    @Override
    protected List<TestsuitePermutation.BootstrapFactory<Bootstrap>> newFactories() {
        return permutation().datagramSocket();
    }
}

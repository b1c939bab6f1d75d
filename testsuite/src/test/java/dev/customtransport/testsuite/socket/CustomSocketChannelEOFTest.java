package dev.customtransport.testsuite.socket;

import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketChannelEOFTest;

import java.util.List;

/**
 * Netty's {@link SocketChannelEOFTest} (4.2.20+: every byte the peer sent before its FIN is read, with autoRead off and
 * a read requested again and again) on our client channel, once per readiness mode: {@link Level} and {@link Edge}.
 */
public abstract class CustomSocketChannelEOFTest extends SocketChannelEOFTest implements ReadinessModeTest {

    /** {@code clientSocket()}: the list Netty's epoll transport uses for its client-side tests. */
    @Override
    protected List<TestsuitePermutation.BootstrapFactory<Bootstrap>> newFactories() {
        return permutation().clientSocket();
    }

    @LevelTriggered
    public static final class Level extends CustomSocketChannelEOFTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomSocketChannelEOFTest {
    }
}

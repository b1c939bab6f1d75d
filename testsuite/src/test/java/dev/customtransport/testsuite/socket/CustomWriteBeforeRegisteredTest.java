package dev.customtransport.testsuite.socket;

import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.WriteBeforeRegisteredTest;

import java.util.List;

/**
 * Netty's {@link WriteBeforeRegisteredTest} on our transport, once per readiness mode: {@link Level} and {@link Edge}.
 */
public abstract class CustomWriteBeforeRegisteredTest extends WriteBeforeRegisteredTest implements ReadinessModeTest {

    /**
     * {@code clientSocketWithFastOpen()}: the list Netty's epoll transport uses for this class.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapFactory<Bootstrap>> newFactories() {
        return permutation().clientSocketWithFastOpen();
    }

    @LevelTriggered
    public static final class Level extends CustomWriteBeforeRegisteredTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomWriteBeforeRegisteredTest {
    }
}

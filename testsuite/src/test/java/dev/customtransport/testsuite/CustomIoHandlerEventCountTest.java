package dev.customtransport.testsuite;

import dev.customtransport.CustomIoHandler;

import io.netty.channel.IoHandlerFactory;
import io.netty.testsuite.transport.AbstractIoHandlerEventCountTest;

/**
 * Netty's {@link AbstractIoHandlerEventCountTest} (4.2.21+: {@code IoHandler.run()} counts I/O only, never a wakeup, an
 * expired timer or a scheduled task) on our handler, once per readiness mode: {@link Level} and {@link Edge}.
 */
public abstract class CustomIoHandlerEventCountTest extends AbstractIoHandlerEventCountTest
        implements ReadinessModeTest {

    @Override
    protected IoHandlerFactory newIoHandlerFactory() {
        return CustomIoHandler.newFactory(mode());
    }

    @LevelTriggered
    public static final class Level extends CustomIoHandlerEventCountTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomIoHandlerEventCountTest {
    }
}

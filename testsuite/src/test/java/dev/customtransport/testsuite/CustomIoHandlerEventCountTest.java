package dev.customtransport.testsuite;

import dev.customtransport.CustomIoHandler;

import io.netty.channel.IoHandlerFactory;
import io.netty.testsuite.transport.AbstractIoHandlerEventCountTest;

/**
 * Netty's {@link AbstractIoHandlerEventCountTest} (4.2.21+: {@code IoHandler.run()} counts I/O only, never a wakeup,
 * an expired timer or a scheduled task) on our handler, in the readiness mode of the concrete subclass:
 * {@link IoHandlerEventCountLevelTest}, {@link IoHandlerEventCountEdgeTest}.
 */
public abstract class CustomIoHandlerEventCountTest extends AbstractIoHandlerEventCountTest
        implements ReadinessModeTest {

    @Override
    protected IoHandlerFactory newIoHandlerFactory() {
        return CustomIoHandler.newFactory(mode());
    }
}

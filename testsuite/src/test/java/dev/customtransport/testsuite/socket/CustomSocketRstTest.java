package dev.customtransport.testsuite.socket;

import dev.customtransport.CustomSocketChannel;
import dev.customtransport.NativeIoException;
import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketRstTest;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Netty's {@link SocketRstTest} on our transport, once per readiness mode: {@link Level} and {@link Edge}.
 */
public abstract class CustomSocketRstTest extends SocketRstTest implements ReadinessModeTest {

    /**
     * {@code socketWithoutFastOpen()}: the list Netty's epoll transport uses for this class.
     */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return permutation().socketWithoutFastOpen();
    }

    /**
     * Netty only checks the message (and only in US/UK locales). When our channel is the client it must report
     * the reset as our {@link NativeIoException} carrying {@code ECONNRESET}, whatever the locale; a NIO client
     * gets Netty's check.
     */
    @Override
    protected void assertRstOnCloseException(IOException cause, Channel clientChannel) {
        if (!(clientChannel instanceof CustomSocketChannel)) {
            super.assertRstOnCloseException(cause, clientChannel);
            return;
        }
        NativeIoException nativeCause = assertInstanceOf(NativeIoException.class, cause,
                () -> "actual [type, message]: [" + cause.getClass() + ", " + cause.getMessage() + "]");
        assertEquals("ECONNRESET", nativeCause.errnoName(),
                () -> "syscall " + nativeCause.syscall() + ", errno " + nativeCause.errno() + ": "
                        + cause.getMessage());
    }

    @LevelTriggered
    public static final class Level extends CustomSocketRstTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomSocketRstTest {
    }
}

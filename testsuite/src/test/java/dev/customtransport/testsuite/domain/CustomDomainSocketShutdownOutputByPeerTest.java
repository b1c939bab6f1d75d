package dev.customtransport.testsuite.domain;

import dev.customtransport.internal.SocketFd;
import dev.customtransport.internal.UnixSockets;
import dev.customtransport.testsuite.CustomSocketTestPermutation;
import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.AbstractSocketShutdownOutputByPeerTest;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Netty's {@link AbstractSocketShutdownOutputByPeerTest} on our transport over unix domain sockets, once per readiness
 * mode: {@link Level} and {@link Edge}. The peer is a raw unix stream socket of our own natives ({@link SocketFd} from
 * {@link UnixSockets}), driven with plain blocking-style loops over the non-blocking fd.
 */
public abstract class CustomDomainSocketShutdownOutputByPeerTest extends AbstractSocketShutdownOutputByPeerTest<SocketFd>
        implements ReadinessModeTest {

    /** {@code serverDomainSocket()}: ours only, as Netty's epoll transport runs it. */
    @Override
    protected List<TestsuitePermutation.BootstrapFactory<ServerBootstrap>> newFactories() {
        return permutation().serverDomainSocket();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return CustomSocketTestPermutation.newDomainSocketAddress();
    }

    @Override
    protected void shutdownOutput(SocketFd s) throws IOException {
        s.shutdown(false, true);
    }

    /** A unix connect completes at once unless the backlog is full; then it is retried until it does. */
    @Override
    protected void connect(SocketFd s, SocketAddress address) throws IOException {
        try {
            boolean connected = UnixSockets.connect(s, address);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!connected && !s.finishConnect()) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("connect to " + address + " did not complete in 10 s");
                }
                Thread.sleep(1);
            }
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    @Override
    protected void close(SocketFd s) throws IOException {
        s.close();
    }

    /** One byte; the fd is non-blocking, so a full buffer is waited out. */
    @Override
    protected void write(SocketFd s, int data) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(1).put(0, (byte) data);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.write(SocketFd.address(buf), 1) == 0) {
            if (System.nanoTime() > deadline) {
                throw new IOException("write did not complete in 10 s");
            }
            Thread.onSpinWait();
        }
    }

    @Override
    protected SocketFd newSocket() {
        return UnixSockets.newStream();
    }

    @LevelTriggered
    public static final class Level extends CustomDomainSocketShutdownOutputByPeerTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomDomainSocketShutdownOutputByPeerTest {
    }
}

package dev.customtransport.testsuite.domain;

import dev.customtransport.testsuite.CustomSocketTestPermutation;
import dev.customtransport.testsuite.EdgeTriggered;
import dev.customtransport.testsuite.LevelTriggered;
import dev.customtransport.testsuite.ReadinessModeTest;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.unix.DomainDatagramChannel;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.DatagramUnicastTest;

import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Netty's {@link DatagramUnicastTest} on our transport over unix domain datagram sockets, once per readiness mode:
 * {@link Level} and {@link Edge}. The handlers below are the domain counterparts of the inet ones in
 * {@code DatagramUnicastInetTest}: they receive {@link DomainDatagramPacket}s and check the payload, the recipient (the
 * receiving channel's own path) and, when the sender is bound, the sender's path. Netty's test of empty datagrams
 * aborts itself here: it sends them with a JDK {@code DatagramSocket}, which cannot bind a unix path.
 */
public abstract class CustomDomainDatagramUnicastTest extends DatagramUnicastTest implements ReadinessModeTest {

    /** {@code domainDatagram()}: ours on both sides (NIO has no domain datagram channel), as Netty's epoll runs it. */
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return permutation().domainDatagram();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return CustomSocketTestPermutation.newDomainSocketAddress();
    }

    @Override
    protected boolean isConnected(Channel channel) {
        return ((DomainDatagramChannel) channel).isConnected();
    }

    @Override
    protected Channel setupClientChannel(Bootstrap cb, byte[] bytes, CountDownLatch latch,
                                         AtomicReference<Throwable> errorRef) throws Throwable {
        cb.handler(new Receiver(bytes, null, latch, errorRef, false));
        return cb.bind(newSocketAddress()).sync().channel();
    }

    @Override
    protected Channel setupServerChannel(Bootstrap sb, byte[] bytes, SocketAddress sender, CountDownLatch latch,
                                         AtomicReference<Throwable> errorRef, boolean echo) throws Throwable {
        sb.handler(new Receiver(bytes, (DomainSocketAddress) sender, latch, errorRef, echo));
        return sb.bind(newSocketAddress()).sync().channel();
    }

    /** A unix datagram socket disconnects by connecting to AF_UNSPEC, as an inet one does. */
    @Override
    protected boolean supportDisconnect() {
        return true;
    }

    @Override
    protected ChannelFuture write(Channel cc, ByteBuf buf, SocketAddress remote, WrapType wrapType) {
        DomainSocketAddress to = (DomainSocketAddress) remote;
        switch (wrapType) {
            case DUP:
                return cc.write(new DomainDatagramPacket(buf.retainedDuplicate(), to));
            case SLICE:
                return cc.write(new DomainDatagramPacket(buf.retainedSlice(), to));
            case READ_ONLY:
                return cc.write(new DomainDatagramPacket(buf.retain().asReadOnly(), to));
            case NONE:
                return cc.write(new DomainDatagramPacket(buf.retain(), to));
            default:
                throw new AssertionError("unknown wrap type " + wrapType);
        }
    }

    /** Checks each datagram, echoes it to its sender if asked to, and counts it down if it was right. */
    private static final class Receiver extends SimpleChannelInboundHandler<DomainDatagramPacket> {
        private final byte[] expected;
        private final DomainSocketAddress sender;
        private final CountDownLatch latch;
        private final AtomicReference<Throwable> errorRef;
        private final boolean echo;

        Receiver(byte[] expected, DomainSocketAddress sender, CountDownLatch latch,
                 AtomicReference<Throwable> errorRef, boolean echo) {
            this.expected = expected;
            this.sender = sender;
            this.latch = latch;
            this.errorRef = errorRef;
            this.echo = echo;
        }

        @Override
        public boolean isSharable() {
            return true;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket msg) {
            try {
                assertArrayEquals(expected, ByteBufUtil.getBytes(msg.content()));
                assertEquals(ctx.channel().localAddress(), msg.recipient());
                if (sender != null) {
                    assertEquals(sender, msg.sender());
                }
                if (echo) {
                    ctx.writeAndFlush(new DomainDatagramPacket(msg.content().retainedDuplicate(), msg.sender()));
                }
                latch.countDown();
            } catch (Throwable t) {
                // Not counted: the test then fails with this, rather than passing over a bad datagram.
                errorRef.compareAndSet(null, t);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errorRef.compareAndSet(null, cause);
        }
    }

    @LevelTriggered
    public static final class Level extends CustomDomainDatagramUnicastTest {
    }

    @EdgeTriggered
    public static final class Edge extends CustomDomainDatagramUnicastTest {
    }
}

package dev.customtransport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;

import static dev.customtransport.internal.NativeTesting.await;
import static dev.customtransport.internal.NativeTesting.closeQuietly;
import static dev.customtransport.internal.NativeTesting.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The datagram natives on their own: the message layout, batches, GSO/GRO cmsgs, and the datagram option ids. The
 * batch and GSO tests hold for both builds (datagram_linux.c's sendmmsg/recvmmsg, datagram_bsd.c's loops).
 */
class DatagramNativeTest {
    static {
        NativeLibrary.ensureLoaded();
    }

    /** What a loop lends its datagram channels. */
    private final LoopScratch scratch = new LoopScratch();

    @AfterEach
    void releaseScratch() {
        scratch.release();
    }

    private static SocketFd udp4() throws Exception {
        SocketFd s = new SocketFd(ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET, SocketNative.TYPE_DGRAM)),
                false);
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        return s;
    }

    /** The kernel coalesces a GSO send on a GRO socket and reports the segment size, in recvmsg and recvmmsg. */
    @Test
    void groReportsTheSegmentSizeInBothReceivePaths() throws Exception {
        assumeTrue(NativeFeatures.UDP_SEGMENT && NativeFeatures.UDP_GRO,
                "this build's datagram natives have no UDP GSO/GRO (" + NativeFeatures.platform() + ")");
        assumeTrue(SockOpt.isUdpSegmentSupported(), "no UDP_SEGMENT in this kernel");
        SocketFd rx = udp4();
        SocketFd tx = udp4();
        ByteBuf data = Unpooled.directBuffer(1000);
        ByteBuf in = Unpooled.directBuffer(64 * 1024);
        try {
            SockOpt.UDP_GRO.set(rx, true);
            assertTrue(SockOpt.UDP_GRO.is(rx));
            data.writeZero(1000);
            for (boolean batch : new boolean[] { false, true }) {
                MessageArray a = scratch.messages();
                assertTrue(a.addSend(data, rx.localAddress(), 100, false));
                assertEquals(1, a.sendOne(tx, false));
                await(rx.intValue(), Poller.INTEREST_READ);
                a = scratch.messages();
                a.addReceive(in, 0, in.capacity());
                if (batch) {
                    a.addReceive(in, 0, 10); // a second slot the kernel may leave empty
                    assertTrue(a.receiveAll(rx, false) >= 1);
                } else {
                    assertTrue(a.receiveOne(rx, false));
                }
                assertEquals(1000, a.result(0), "one coalesced read");
                assertEquals(100, a.segmentSize(0), "the GRO segment size");
                assertEquals(tx.localAddress(), a.inetSender(0));
                assertEquals(0, a.flags(0) & MessageArray.MSG_CTRUNC);
            }
        } finally {
            data.release();
            in.release();
            rx.close();
            tx.close();
        }
    }

    @Test
    void datagramOptionIdsAreMapped() {
        int fd4 = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET, SocketNative.TYPE_DGRAM));
        int fd6 = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET6, SocketNative.TYPE_DGRAM));
        try {
            for (int id = SocketNative.IP_MULTICAST_ALL; id < SocketNative.OPTION_COUNT; id++) {
                if (id == SocketNative.TCP_FASTOPEN_CONNECT || id == SocketNative.SO_PASSCRED) {
                    continue;
                }
                boolean v6 = id == SocketNative.IPV6_MULTICAST_ALL || id == SocketNative.IPV6_MULTICAST_LOOP
                        || id == SocketNative.IPV6_MULTICAST_HOPS || id == SocketNative.IPV6_MULTICAST_IF
                        || id == SocketNative.IPV6_RECVORIGDSTADDR;
                long res = SocketNative.getOption(v6 ? fd6 : fd4, id);
                int option = id;
                if (res == -Errno.ENOPROTOOPT && !Emulator.reachesKernel(id)) {
                    continue; // the emulator's own answer
                }
                assertTrue(res >= 0, () -> "option " + option + ": " + Errno.name((int) -res));
            }
        } finally {
            closeQuietly(fd4, fd6);
        }
    }

    /**
     * A batch send and receive report the number of datagrams done, whether the build makes one kernel call
     * (sendmmsg/recvmmsg) or loops over sendmsg/recvmsg: each datagram keeps its own bytes and sender, a batch
     * with more slots than datagrams stops at what was there, and an empty socket is EAGAIN.
     */
    @Test
    void batchesCountTheDatagramsDone() throws Exception {
        SocketFd rx = udp4();
        SocketFd tx = udp4();
        ByteBuf[] out = new ByteBuf[3];
        ByteBuf in = Unpooled.directBuffer(4 * 100);
        try {
            MessageArray a = scratch.messages();
            for (int i = 0; i < out.length; i++) {
                out[i] = Unpooled.directBuffer(10 + i).writeZero(10 + i);
                out[i].setByte(0, 'a' + i);
                assertTrue(a.addSend(out[i], rx.localAddress(), 0, false));
            }
            assertEquals(3, a.sendAll(tx, false));
            await(rx.intValue(), Poller.INTEREST_READ);
            a = scratch.messages();
            for (int i = 0; i < 4; i++) {
                a.addReceive(in, i * 100, 100);
            }
            int n = 0;
            for (int tries = 0; n < 3 && tries < 100; tries++) {
                int got = a.receiveAll(rx, false);
                for (int k = 0; k < got; k++) {
                    assertEquals(10 + n, a.result(k), "datagram " + n);
                    assertEquals('a' + n, in.getByte(k * 100));
                    assertEquals(tx.localAddress(), a.inetSender(k));
                    assertEquals(0, a.segmentSize(k));
                    n++;
                }
                if (got == 0) {
                    Thread.sleep(10);
                }
            }
            assertEquals(3, n, "all three datagrams, in order");
            assertEquals(0, a.receiveAll(rx, false), "an empty socket: nothing, not an error");
            assertEquals(-Errno.EAGAIN, DatagramNative.recvmmsg(rx.intValue(), a.address(0), 4));
        } finally {
            for (ByteBuf b : out) {
                if (b != null) {
                    b.release();
                }
            }
            in.release();
            rx.close();
            tx.close();
        }
    }

    /** A build without UDP GSO refuses a message with a segment size rather than sending it unsegmented. */
    @Test
    void gsoWithoutUdpSegmentIsRefused() throws Exception {
        assumeTrue(!NativeFeatures.UDP_SEGMENT, "this build sends UDP_SEGMENT");
        SocketFd rx = udp4();
        SocketFd tx = udp4();
        ByteBuf data = Unpooled.directBuffer(300).writeZero(300);
        try {
            MessageArray a = scratch.messages();
            assertTrue(a.addSend(data, rx.localAddress(), 100, false));
            assertEquals(-Errno.EOPNOTSUPP, DatagramNative.sendmsg(tx.intValue(), a.address(0)));
            assertEquals(-Errno.EOPNOTSUPP, DatagramNative.sendmmsg(tx.intValue(), a.address(0), 1));
        } finally {
            data.release();
            rx.close();
            tx.close();
        }
    }

    /**
     * Multicast membership and the IPv4 multicast interface through the natives (the conformance tests need a
     * multicast-capable loopback, so they often skip): any-source and source-specific joins on loopback by index,
     * an IPv4 group on a dual-stack socket by route, and IP_MULTICAST_IF set by address and by index.
     */
    @Test
    void membershipAndMulticastInterface() throws Exception {
        Emulator.assumeReachesKernel("MCAST_JOIN_GROUP");
        int lo = NetworkInterface.getByName("lo") != null ? NetworkInterface.getByName("lo").getIndex() : 0;
        assumeTrue(lo > 0, "no interface named lo");
        byte[] group = InetAddress.getByName("239.255.77.1").getAddress();
        byte[] ssmGroup = InetAddress.getByName("232.1.2.3").getAddress();
        byte[] source = InetAddress.getByName("127.0.0.1").getAddress();
        int fd4 = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET, SocketNative.TYPE_DGRAM));
        int fd6 = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET6, SocketNative.TYPE_DGRAM));
        try {
            assertEquals(0, DatagramNative.membership(fd4, true, group, null, lo));
            assertEquals(-Errno.EADDRINUSE, DatagramNative.membership(fd4, true, group, null, lo), "joined twice");
            assertEquals(0, DatagramNative.membership(fd4, false, group, null, lo));
            assertEquals(-Errno.EADDRNOTAVAIL, DatagramNative.membership(fd4, false, group, null, lo), "not a member");
            assertEquals(0, DatagramNative.membership(fd4, true, ssmGroup, source, lo));
            assertEquals(0, DatagramNative.membership(fd4, false, ssmGroup, source, lo));
            assertEquals(-Errno.EINVAL, DatagramNative.membership(fd4, true, group, new byte[16], lo), "mixed families");
            // An IPv4 group on a dual-stack IPv6 socket, interface by route.
            assertEquals(0, DatagramNative.membership(fd6, true, group, null, 0));
            assertEquals(0, DatagramNative.membership(fd6, false, group, null, 0));

            byte[] out = new byte[4];
            assertEquals(0, DatagramNative.setMulticastIf4(fd4, source, 0));
            assertEquals(0, DatagramNative.getMulticastIf4(fd4, out));
            assertEquals("127.0.0.1", InetAddress.getByAddress(out).getHostAddress());
            assertEquals(0, DatagramNative.setMulticastIf4(fd4, null, lo), "by index alone");
            assertEquals(0, DatagramNative.setMulticastIf4(fd4, null, 0), "back to by route");
            assertEquals(0, DatagramNative.getMulticastIf4(fd4, out));
            assertEquals("0.0.0.0", InetAddress.getByAddress(out).getHostAddress());
        } finally {
            closeQuietly(fd4, fd6);
        }
    }

    /** The family of a socket handed to us, unbound or bound, without SO_DOMAIN (macOS has none). */
    @Test
    void familyOfAWrappedSocket() throws Exception {
        int fd4 = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET, SocketNative.TYPE_DGRAM));
        int fd6 = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET6, SocketNative.TYPE_DGRAM));
        try {
            assertTrue(!DatagramSockets.isIpv6(fd4), "IPv4, unbound");
            assertTrue(DatagramSockets.isIpv6(fd6), "IPv6, unbound");
            SocketFd bound = udp4();
            try {
                assertTrue(!DatagramSockets.isIpv6(bound.intValue()), "IPv4, bound");
            } finally {
                bound.close();
            }
        } finally {
            closeQuietly(fd4, fd6);
        }
    }
}

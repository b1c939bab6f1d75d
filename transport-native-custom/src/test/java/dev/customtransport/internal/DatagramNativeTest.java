package dev.customtransport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static dev.customtransport.internal.NativeTesting.await;
import static dev.customtransport.internal.NativeTesting.closeQuietly;
import static dev.customtransport.internal.NativeTesting.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The datagram natives on their own: the message layout, GSO/GRO cmsgs, and the datagram option ids. */
class DatagramNativeTest {
    static {
        NativeLibrary.ensureLoaded();
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
                MessageArray a = MessageArray.acquire();
                assertTrue(a.addSend(data, rx.localAddress(), 100, false));
                assertEquals(1, a.sendOne(tx, false));
                await(rx.intValue(), Poller.INTEREST_READ);
                a = MessageArray.acquire();
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
                assertTrue(res >= 0, () -> "option " + option + ": " + Errno.name((int) -res));
            }
        } finally {
            closeQuietly(fd4, fd6);
        }
    }
}

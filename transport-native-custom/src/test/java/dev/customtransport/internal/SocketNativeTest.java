package dev.customtransport.internal;

import io.netty.channel.DefaultFileRegion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Random;

import static dev.customtransport.internal.NativeTesting.address;
import static dev.customtransport.internal.NativeTesting.assertErrno;
import static dev.customtransport.internal.NativeTesting.await;
import static dev.customtransport.internal.NativeTesting.closeQuietly;
import static dev.customtransport.internal.NativeTesting.direct;
import static dev.customtransport.internal.NativeTesting.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SocketNativeTest {
    private static final byte[] LOOPBACK4 = { 127, 0, 0, 1 };
    private static final byte[] LOOPBACK6 = loopback6();
    private static final byte[] MAPPED_LOOPBACK4 = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1 };
    private static final byte[] ANY6 = new byte[16];

    private static int in() {
        return Poller.INTEREST_READ;
    }

    private static int out() {
        return Poller.INTEREST_WRITE;
    }

    private static byte[] loopback6() {
        byte[] a = new byte[16];
        a[15] = 1;
        return a;
    }

    private static int port(byte[] address) {
        return (address[1] & 0xff) << 8 | address[2] & 0xff;
    }

    private static int scopeId(byte[] address) {
        return (address[3] & 0xff) << 24 | (address[4] & 0xff) << 16 | (address[5] & 0xff) << 8 | address[6] & 0xff;
    }

    private static byte[] ip(byte[] address, int length) {
        int size = address[0] == 4 ? 4 : 16;
        assertEquals(7 + size, length, "inet address length");
        return Arrays.copyOfRange(address, 7, 7 + size);
    }

    private static byte[] newAddressBuffer() {
        return new byte[SocketNative.ADDRESS_BUFFER_SIZE];
    }

    /** A listening IPv4 (or IPv6) TCP socket on loopback, port chosen by the kernel. */
    private static int listener(int domain, byte[] ip) {
        int fd = ok("socket", SocketNative.socket(domain, SocketNative.TYPE_STREAM));
        ok("bind", SocketNative.bind(fd, ip, 0, 0));
        ok("listen", SocketNative.listen(fd, 16));
        return fd;
    }

    private static int localPort(int fd) {
        byte[] a = newAddressBuffer();
        ok("getsockname", SocketNative.localAddress(fd, a));
        return port(a);
    }

    /** Connects {@code client} to {@code port} and returns the accepted end. */
    private static int connectAndAccept(int server, int client, byte[] ip, int port, byte[] peerOut) {
        int rc = SocketNative.connect(client, ip, 0, port);
        assertTrue(rc == 0 || rc == -Errno.EINPROGRESS, () -> "connect: " + Errno.name(-rc));
        await(server, in());
        int child = ok("accept", SocketNative.accept(server, peerOut));
        await(client, out());
        assertEquals(0, SocketNative.finishConnect(client));
        return child;
    }

    private static String readString(int fd, int expectedLength) {
        ByteBuffer buf = direct(expectedLength);
        int total = 0;
        while (total < expectedLength) {
            await(fd, in());
            int n = ok("read", SocketNative.read(fd, address(buf) + total, expectedLength - total));
            assertTrue(n > 0, "unexpected end of stream");
            total += n;
        }
        byte[] bytes = new byte[expectedLength];
        buf.get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static ByteBuffer ascii(String s) {
        ByteBuffer buf = direct(s.length());
        buf.put(s.getBytes(StandardCharsets.US_ASCII)).flip();
        return buf;
    }

    @Test
    void limits() {
        int[] limits = new int[SocketNative.L_COUNT];
        SocketNative.limits(limits);
        assertTrue(limits[SocketNative.L_IOV_MAX] >= 16, "IOV_MAX");
        assertEquals(2 * Long.BYTES, limits[SocketNative.L_SIZEOF_IOVEC], "sizeof(struct iovec) on a 64-bit ABI");
        assertTrue(limits[SocketNative.L_SUN_PATH_SIZE] >= 104, "sun_path size");
        assertTrue(limits[SocketNative.L_SOMAXCONN] > 0, "SOMAXCONN");
    }

    @Test
    void tcpRoundTripThroughTheRawNatives() {
        int server = listener(SocketNative.DOMAIN_INET, LOOPBACK4);
        int client = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET, SocketNative.TYPE_STREAM));
        int child = -1;
        try {
            byte[] peer = newAddressBuffer();
            child = connectAndAccept(server, client, LOOPBACK4, localPort(server), peer);
            assertEquals(4, peer[0]);
            assertEquals(localPort(client), port(peer), "accept reports the client's port");

            // Nothing sent yet: a non-blocking read says "try again".
            ByteBuffer scratch = direct(16);
            assertErrno(Errno.EAGAIN, SocketNative.read(child, address(scratch), 16));

            ByteBuffer hello = ascii("hello");
            assertEquals(5, SocketNative.write(client, address(hello), 5));
            assertEquals("hello", readString(child, 5));

            // writev of two buffers through an iovec array in native memory.
            int[] limits = new int[SocketNative.L_COUNT];
            SocketNative.limits(limits);
            ByteBuffer first = ascii("gather");
            ByteBuffer second = ascii("-write");
            ByteBuffer iov = direct(2 * limits[SocketNative.L_SIZEOF_IOVEC]);
            iov.putLong(0, address(first)).putLong(8, first.remaining());
            iov.putLong(16, address(second)).putLong(24, second.remaining());
            assertEquals(12L, SocketNative.writev(client, address(iov), 2));
            assertEquals("gather-write", readString(child, 12));

            // The other direction, then half-closure: the reader sees end of stream (0).
            ByteBuffer pong = ascii("pong");
            assertEquals(4, SocketNative.write(child, address(pong), 4));
            assertEquals("pong", readString(client, 4));
            assertEquals(0, SocketNative.shutdown(client, false, true));
            await(child, in());
            assertEquals(0, SocketNative.read(child, address(scratch), 16));
            // The half-closed client can still receive.
            assertEquals(4, SocketNative.write(child, address(pong.rewind()), 4));
            assertEquals("pong", readString(client, 4));
            assertEquals(0, SocketNative.shutdown(client, false, false), "shutting nothing is a no-op");
        } finally {
            closeQuietly(child, client, server);
        }
    }

    @Test
    void closeTwiceGivesEbadf() {
        int fd = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET, SocketNative.TYPE_STREAM));
        assertEquals(0, SocketNative.close(fd));
        assertErrno(Errno.EBADF, SocketNative.close(fd));
    }

    /**
     * Regression: finishConnect took "no SO_ERROR" for success, so a connecting channel that was handed a writable
     * event the kernel did not send (the ready queue after lost events, a spurious wakeup) went active in the middle
     * of its handshake. Here the handshake cannot end: the listener's accept queue is full, so its SYN is dropped.
     */
    @Test
    void finishConnectBeforeTheHandshakeEndsIsStillPending() {
        int server = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET, SocketNative.TYPE_STREAM));
        ok("bind", SocketNative.bind(server, LOOPBACK4, 0, 0));
        ok("listen", SocketNative.listen(server, 0)); // room for one connection nobody accepts
        int port = localPort(server);
        int first = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET, SocketNative.TYPE_STREAM));
        int second = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET, SocketNative.TYPE_STREAM));
        try {
            int rc = SocketNative.connect(first, LOOPBACK4, 0, port);
            assertTrue(rc == 0 || rc == -Errno.EINPROGRESS, () -> "connect: " + Errno.name(-rc));
            await(first, out());
            assertEquals(0, SocketNative.finishConnect(first), "the first fills the accept queue");
            assertErrno(Errno.EINPROGRESS, SocketNative.connect(second, LOOPBACK4, 0, port));
            // Its SYN was dropped; the next is sent a second later. Nothing is wrong, and nothing is connected.
            assertErrno(Errno.EINPROGRESS, SocketNative.finishConnect(second));
        } finally {
            closeQuietly(first, second, server);
        }
    }

    @Test
    void connectToAClosedPortIsRefused() {
        int server = listener(SocketNative.DOMAIN_INET, LOOPBACK4);
        int port = localPort(server);
        SocketNative.close(server);
        int client = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET, SocketNative.TYPE_STREAM));
        try {
            int rc = SocketNative.connect(client, LOOPBACK4, 0, port);
            if (rc == -Errno.EINPROGRESS) {
                int carried = await(client, out());
                rc = SocketNative.finishConnect(client);
                if ((rc == 0 || rc == -Errno.EINPROGRESS) && carried != 0) {
                    // The libkqueue emulation read SO_ERROR to fill the event in, which cleared it.
                    rc = -carried;
                }
            }
            assertErrno(Errno.ECONNREFUSED, rc);
        } finally {
            closeQuietly(client);
        }
    }

    @Test
    void badArgumentsAreEinval() {
        int fd = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET, SocketNative.TYPE_STREAM));
        try {
            assertErrno(Errno.EINVAL, SocketNative.bind(fd, new byte[5], 0, 0));
            assertErrno(Errno.EINVAL, SocketNative.bind(fd, LOOPBACK4, 0, 65536));
            assertErrno(Errno.EINVAL, SocketNative.localAddress(fd, new byte[3]));
            assertErrno(Errno.EAFNOSUPPORT, SocketNative.socket(99, SocketNative.TYPE_STREAM));
        } finally {
            closeQuietly(fd);
        }
    }

    @Test
    void ipv4AddressRoundTrip() {
        int fd = listener(SocketNative.DOMAIN_INET, LOOPBACK4);
        try {
            byte[] a = newAddressBuffer();
            int n = ok("getsockname", SocketNative.localAddress(fd, a));
            assertEquals(4, a[0]);
            assertArrayEquals(LOOPBACK4, ip(a, n));
            assertEquals(0, scopeId(a));
            assertTrue(port(a) > 0);
            assertErrno(Errno.ENOTCONN, SocketNative.remoteAddress(fd, a));
        } finally {
            closeQuietly(fd);
        }
    }

    @Test
    void ipv6AddressRoundTrip() {
        int server = listener(SocketNative.DOMAIN_INET6, LOOPBACK6);
        int client = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET6, SocketNative.TYPE_STREAM));
        int child = -1;
        try {
            byte[] a = newAddressBuffer();
            int n = ok("getsockname", SocketNative.localAddress(server, a));
            assertEquals(6, a[0]);
            assertArrayEquals(LOOPBACK6, ip(a, n));
            child = connectAndAccept(server, client, LOOPBACK6, port(a), a);
            n = ok("getpeername", SocketNative.remoteAddress(client, a));
            assertArrayEquals(LOOPBACK6, ip(a, n));
            assertEquals(localPort(server), port(a));
        } finally {
            closeQuietly(child, client, server);
        }
    }

    @Test
    void ipv4MappedAddressesStaySixteenBytes() {
        // A dual-stack listener on :: accepts an IPv4 client; the kernel reports it as ::ffff:127.0.0.1.
        int server = listener(SocketNative.DOMAIN_INET6, ANY6);
        int client = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET, SocketNative.TYPE_STREAM));
        int mapped = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET6, SocketNative.TYPE_STREAM));
        int child = -1;
        int child2 = -1;
        try {
            if (NativeLibrary.platform().startsWith("linux-")) {
                final int ipprotoIpv6 = 41;
                final int ipv6V6only = 26;
                assertEquals(0, SocketNative.getRawIntOption(server, ipprotoIpv6, ipv6V6only), "dual stack");
            }
            byte[] peer = newAddressBuffer();
            child = connectAndAccept(server, client, LOOPBACK4, localPort(server), peer);
            assertEquals(6, peer[0]);
            assertArrayEquals(MAPPED_LOOPBACK4, ip(peer, 23));
            assertEquals(localPort(client), port(peer));

            // An IPv6 socket connecting to the mapped form of an IPv4 address.
            child2 = connectAndAccept(server, mapped, MAPPED_LOOPBACK4, localPort(server), peer);
            int n = ok("getpeername", SocketNative.remoteAddress(mapped, peer));
            assertArrayEquals(MAPPED_LOOPBACK4, ip(peer, n));
        } finally {
            closeQuietly(child, child2, client, mapped, server);
        }
    }

    @Test
    void ipv6ScopeIdRoundTrip() throws IOException {
        Inet6Address linkLocal = null;
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (a instanceof Inet6Address && a.isLinkLocalAddress() && nif.isUp()) {
                    linkLocal = (Inet6Address) a;
                }
            }
        }
        assumeTrue(linkLocal != null, "no link-local IPv6 address on this machine");
        int fd = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET6, SocketNative.TYPE_STREAM));
        try {
            int scope = linkLocal.getScopeId();
            int rc = SocketNative.bind(fd, linkLocal.getAddress(), scope, 0);
            assumeTrue(rc != -Errno.EADDRNOTAVAIL, "link-local address not yet usable (DAD)");
            ok("bind", rc);
            byte[] a = newAddressBuffer();
            int n = ok("getsockname", SocketNative.localAddress(fd, a));
            assertArrayEquals(linkLocal.getAddress(), ip(a, n));
            assertEquals(scope, scopeId(a));
        } finally {
            closeQuietly(fd);
        }
    }

    @Test
    void unixSocketWithAPath(@TempDir Path dir) {
        byte[] path = dir.resolve("s.sock").toString().getBytes(StandardCharsets.UTF_8);
        unixRoundTrip(path);
    }

    @Test
    void unixSocketWithAnAbstractName() {
        byte[] name = ("\0custom-transport-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime())
                .getBytes(StandardCharsets.US_ASCII);
        unixRoundTrip(name);
    }

    @Test
    void abstractNameMayFillSunPath() {
        int[] limits = new int[SocketNative.L_COUNT];
        SocketNative.limits(limits);
        byte[] name = new byte[limits[SocketNative.L_SUN_PATH_SIZE]];
        byte[] unique = ("custom-transport-" + System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(unique, 0, name, 1, unique.length);
        Arrays.fill(name, 1 + unique.length, name.length, (byte) 'x');
        int fd = ok("socket", SocketNative.socket(SocketNative.DOMAIN_UNIX, SocketNative.TYPE_STREAM));
        try {
            ok("bind", SocketNative.bindUnix(fd, name));
            byte[] a = newAddressBuffer();
            int n = ok("getsockname", SocketNative.localAddress(fd, a));
            assertEquals(1 + name.length, n);
            assertArrayEquals(name, Arrays.copyOfRange(a, 1, n));
        } finally {
            closeQuietly(fd);
        }
    }

    @Test
    void unixPathLongerThanSunPathIsRefused() {
        int[] limits = new int[SocketNative.L_COUNT];
        SocketNative.limits(limits);
        byte[] path = new byte[limits[SocketNative.L_SUN_PATH_SIZE] + 1];
        Arrays.fill(path, (byte) 'a');
        path[0] = '/';
        int fd = ok("socket", SocketNative.socket(SocketNative.DOMAIN_UNIX, SocketNative.TYPE_STREAM));
        try {
            int rc = SocketNative.bindUnix(fd, path);
            assertTrue(rc < 0, "bind with an over-long path succeeded");
            assertTrue(Errno.describe(-rc).toLowerCase().contains("too long"), Errno.describe(-rc));
            assertEquals(rc, SocketNative.connectUnix(fd, path));
        } finally {
            closeQuietly(fd);
        }
    }

    private static void unixRoundTrip(byte[] name) {
        int server = ok("socket", SocketNative.socket(SocketNative.DOMAIN_UNIX, SocketNative.TYPE_STREAM));
        int client = ok("socket", SocketNative.socket(SocketNative.DOMAIN_UNIX, SocketNative.TYPE_STREAM));
        int child = -1;
        try {
            ok("bind", SocketNative.bindUnix(server, name));
            ok("listen", SocketNative.listen(server, 4));
            byte[] a = newAddressBuffer();
            int n = ok("getsockname", SocketNative.localAddress(server, a));
            assertEquals(1, a[0]);
            assertArrayEquals(name, Arrays.copyOfRange(a, 1, n), "getsockname gives back the bound name");

            int rc = SocketNative.connectUnix(client, name);
            assertTrue(rc == 0 || rc == -Errno.EINPROGRESS || rc == -Errno.EAGAIN, () -> Errno.name(-rc));
            await(server, in());
            child = ok("accept", SocketNative.accept(server, a));
            assertEquals(1, a[0]);
            n = ok("getpeername", SocketNative.remoteAddress(client, a));
            assertArrayEquals(name, Arrays.copyOfRange(a, 1, n));
            n = ok("getsockname", SocketNative.localAddress(client, a));
            assertEquals(1, n, "an unbound client has an unnamed address");

            ByteBuffer msg = ascii("over unix");
            assertEquals(9, SocketNative.write(client, address(msg), 9));
            assertEquals("over unix", readString(child, 9));
        } finally {
            closeQuietly(child, client, server);
        }
    }

    /** Sets an option and reads it back; under an emulator that answers the option itself, checks that answer. */
    private static void roundTrip(int fd, int option, int value, long expected) {
        if (!Emulator.reachesKernel(option)) {
            assertEquals(-Errno.ENOPROTOOPT, SocketNative.setOption(fd, option, value), () -> Emulator.name());
            return;
        }
        assertEquals(0, SocketNative.setOption(fd, option, value), () -> "set option " + option);
        assertEquals(expected, SocketNative.getOption(fd, option), () -> "get option " + option);
    }

    @Test
    void everyOptionId() {
        int fd = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET, SocketNative.TYPE_STREAM));
        int fd6 = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET6, SocketNative.TYPE_STREAM));
        try {
            assertEquals(0, SocketNative.setOption(fd, SocketNative.SO_RCVBUF, 65536));
            assertTrue(SocketNative.getOption(fd, SocketNative.SO_RCVBUF) >= 65536);
            assertEquals(0, SocketNative.setOption(fd, SocketNative.SO_SNDBUF, 65536));
            assertTrue(SocketNative.getOption(fd, SocketNative.SO_SNDBUF) >= 65536);
            roundTrip(fd, SocketNative.SO_REUSEADDR, 1, 1);
            roundTrip(fd, SocketNative.SO_REUSEADDR, 0, 0);
            roundTrip(fd, SocketNative.SO_REUSEPORT, 1, 1);
            roundTrip(fd, SocketNative.SO_KEEPALIVE, 1, 1);
            roundTrip(fd, SocketNative.SO_BROADCAST, 1, 1);
            roundTrip(fd, SocketNative.TCP_NODELAY, 1, 1);
            roundTrip(fd, SocketNative.IP_TOS, 0x10, 0x10);
            roundTrip(fd6, SocketNative.IPV6_TCLASS, 0x20, 0x20);
            roundTrip(fd, SocketNative.TCP_CORK, 1, 1);
            roundTrip(fd, SocketNative.TCP_CORK, 0, 0);
            assertEquals(0, SocketNative.setOption(fd, SocketNative.TCP_QUICKACK, 1));
            ok("TCP_QUICKACK", SocketNative.getOption(fd, SocketNative.TCP_QUICKACK));
            roundTrip(fd, SocketNative.TCP_KEEPIDLE, 30, 30);
            roundTrip(fd, SocketNative.TCP_KEEPINTVL, 7, 7);
            roundTrip(fd, SocketNative.TCP_KEEPCNT, 3, 3);
            roundTrip(fd, SocketNative.TCP_USER_TIMEOUT, 1500, 1500);
            roundTrip(fd, SocketNative.TCP_NOTSENT_LOWAT, 16384, 16384);
            // The kernel keeps TCP_DEFER_ACCEPT as a number of SYN-ACK retransmits, so seconds come back rounded up.
            assertEquals(0, SocketNative.setOption(fd, SocketNative.TCP_DEFER_ACCEPT, 5));
            assertTrue(SocketNative.getOption(fd, SocketNative.TCP_DEFER_ACCEPT) >= 5);
            roundTrip(fd, SocketNative.TCP_FASTOPEN, 16, 16);
            roundTrip(fd, SocketNative.IP_FREEBIND, 1, 1);
            roundTrip(fd, SocketNative.IP_BIND_ADDRESS_NO_PORT, 1, 1);
            roundTrip(fd, SocketNative.SO_RCVLOWAT, 10, 10);
            privileged(fd, SocketNative.IP_TRANSPARENT, 1);
            privileged(fd, SocketNative.SO_BUSY_POLL, 50);

            // SO_LINGER: seconds, or -1 for off (as the 32 bits of the long, so it cannot look like -errno).
            assertEquals(-1, (int) SocketNative.getOption(fd, SocketNative.SO_LINGER));
            assertTrue(SocketNative.getOption(fd, SocketNative.SO_LINGER) >= 0);
            roundTrip(fd, SocketNative.SO_LINGER, 5, 5);
            roundTrip(fd, SocketNative.SO_LINGER, 0, 0);
            roundTrip(fd, SocketNative.SO_LINGER, -1, 0xffffffffL);

            // Read-only ones.
            assertEquals(0, SocketNative.getOption(fd, SocketNative.SO_ERROR));
            assertTrue(SocketNative.getOption(fd, SocketNative.SO_DOMAIN) > 0);
            assertTrue(SocketNative.getOption(fd, SocketNative.SO_TYPE) > 0);
            assertTrue(SocketNative.getOption(fd6, SocketNative.SO_DOMAIN) != SocketNative.getOption(fd, SocketNative.SO_DOMAIN));
            assertTrue(SocketNative.setOption(fd, SocketNative.SO_ERROR, 1) < 0);

            // Ids the table does not have.
            for (int id : new int[] { 0, -1, SocketNative.OPTION_COUNT, 1000 }) {
                assertErrno(Errno.ENOPROTOOPT, SocketNative.getOption(fd, id));
                assertErrno(Errno.ENOPROTOOPT, SocketNative.setOption(fd, id, 1));
            }
            // Every stream-socket id is mapped on Linux (the datagram ones are checked in DatagramNativeTest).
            for (int id = 1; id <= SocketNative.SO_RCVLOWAT; id++) {
                long res = SocketNative.getOption(id == SocketNative.IPV6_TCLASS ? fd6 : fd, id);
                int option = id;
                if (res == -Errno.ENOPROTOOPT && !Emulator.reachesKernel(id)) {
                    continue; // the emulator's own answer
                }
                assertTrue(res >= 0, () -> "option " + option + ": " + Errno.name((int) -res));
            }
        } finally {
            closeQuietly(fd, fd6);
        }
    }

    private static void privileged(int fd, int option, int value) {
        int rc = SocketNative.setOption(fd, option, value);
        if (!Emulator.reachesKernel(option)) {
            assertEquals(-Errno.ENOPROTOOPT, rc, () -> Emulator.name());
            return;
        }
        if (rc == -Errno.EPERM || rc == -Errno.EACCES) {
            return; // needs CAP_NET_ADMIN, which a test run may not have
        }
        assertEquals(0, rc, () -> "option " + option + ": " + Errno.name(-rc));
        assertEquals(value, SocketNative.getOption(fd, option));
    }

    @Test
    void rawIntOptions() {
        assumeTrue(NativeLibrary.platform().startsWith("linux-"), "Linux option numbers");
        final int solSocket = 1;
        final int soKeepalive = 9;
        int fd = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET, SocketNative.TYPE_STREAM));
        try {
            assertEquals(0, SocketNative.setRawIntOption(fd, solSocket, soKeepalive, 1));
            assertEquals(1, SocketNative.getRawIntOption(fd, solSocket, soKeepalive));
            assertEquals(1, SocketNative.getOption(fd, SocketNative.SO_KEEPALIVE));
            assertEquals(0, SocketNative.setRawIntOption(fd, solSocket, soKeepalive, 0));
            assertEquals(0, SocketNative.getOption(fd, SocketNative.SO_KEEPALIVE));
            assertErrno(Errno.ENOPROTOOPT, SocketNative.getRawIntOption(fd, solSocket, 100_000));
            assertErrno(Errno.EBADF, SocketNative.getRawIntOption(-1, solSocket, soKeepalive));
        } finally {
            closeQuietly(fd);
        }
    }

    @Test
    void bufferAddressOfAHeapBufferIsZero() {
        assertEquals(0, SocketNative.bufferAddress(ByteBuffer.allocate(8)));
        assertEquals(0, SocketNative.bufferAddress(null));
    }

    @Test
    void sendFileAdvancesTheRegion(@TempDir Path dir) throws IOException {
        byte[] content = new byte[100_000];
        new Random(42).nextBytes(content);
        Path file = dir.resolve("region.bin");
        Files.write(file, content);

        int server = listener(SocketNative.DOMAIN_INET, LOOPBACK4);
        int client = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET, SocketNative.TYPE_STREAM));
        int child = -1;
        int offset = 1000;
        int count = content.length - offset;
        DefaultFileRegion region = new DefaultFileRegion(file.toFile(), offset, count);
        try {
            child = connectAndAccept(server, client, LOOPBACK4, localPort(server), null);
            region.open();
            ByteBuffer received = direct(count);
            long sent = 0;
            int read = 0;
            while (read < count) {
                if (sent < count) {
                    long n = SocketNative.sendFile(client, region, region.position() + sent, count - sent);
                    if (n != -Errno.EAGAIN) {
                        assertTrue(n > 0, () -> "sendfile: " + Errno.name((int) -n));
                        sent += n;
                        assertEquals(sent, region.transferred(), "transferred() follows what was sent");
                    }
                }
                await(child, in());
                int n = ok("read", SocketNative.read(child, address(received) + read, count - read));
                assertTrue(n > 0);
                read += n;
            }
            assertEquals(count, sent);
            byte[] bytes = new byte[count];
            received.get(bytes);
            assertArrayEquals(Arrays.copyOfRange(content, offset, content.length), bytes);
        } finally {
            region.release();
            closeQuietly(child, client, server);
        }
    }

    @Test
    void sendFileOfAClosedRegionIsEbadf(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("closed.bin");
        Files.write(file, new byte[16]);
        int fd = ok("socket", SocketNative.socket(SocketNative.DOMAIN_INET, SocketNative.TYPE_STREAM));
        DefaultFileRegion notOpened = new DefaultFileRegion(file.toFile(), 0, 16);
        FileChannel channel = new RandomAccessFile(file.toFile(), "r").getChannel();
        channel.close();
        DefaultFileRegion closed = new DefaultFileRegion(channel, 0, 16);
        try {
            assertErrno(Errno.EBADF, SocketNative.sendFile(fd, notOpened, 0, 16));
            assertErrno(Errno.EBADF, SocketNative.sendFile(fd, closed, 0, 16));
            assertEquals(0, notOpened.transferred());
        } finally {
            notOpened.release();
            closed.release();
            closeQuietly(fd);
        }
    }
}

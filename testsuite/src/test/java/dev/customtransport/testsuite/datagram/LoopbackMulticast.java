package dev.customtransport.testsuite.datagram;

import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.NetUtil;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Keeps Netty's multicast tests on this machine. {@code DatagramMulticastTest} sends to a group on the first
 * interface of {@link NetUtil#NETWORK_INTERFACES} that is up, has the MULTICAST flag and an address of the family,
 * and whose probe send succeeds. On a host whose loopback has no MULTICAST flag that is a real NIC (here
 * {@code eth0}), and the datagrams (TTL 1) would go out on the link. So a test runs only when that first candidate
 * is a loopback interface and a probe sent to the group through it succeeds; otherwise it is skipped, and the reason
 * is printed and given to JUnit. {@code testMulticastWithWildcardLocalAddress} joins without naming an interface,
 * so the kernel picks one by the group's route (the default route, a real NIC, on most hosts): it runs only where
 * loopback is the only interface that is up.
 *
 * <p>The build runs these tests in a network namespace of its own where it can (as root: testsuite/pom.xml, execution
 * {@code multicast-netns}), where loopback is the only interface and has the flag. On a host, giving loopback the
 * flag (as root: {@code ip link set lo multicast on}) lets {@code testMulticast} run; the tests never change the
 * host's interfaces themselves.
 */
final class LoopbackMulticast {

    private LoopbackMulticast() { }

    /** Aborts the calling test unless Netty's interface choice is loopback (see the class comment). */
    static void assumeLoopbackOnly(SocketProtocolFamily socketFamily, SocketProtocolFamily groupFamily)
            throws IOException {
        String reason = whyNot(socketFamily, groupFamily);
        if (reason != null) {
            System.out.println("[multicast skipped] " + reason);
        }
        assumeTrue(reason == null, reason);
    }

    /** Aborts the calling test unless every interface that is up is a loopback one (see the class comment). */
    static void assumeOnlyLoopbackUp() throws SocketException {
        String reason = whyNotOnlyLoopback();
        if (reason != null) {
            System.out.println("[multicast skipped] " + reason);
        }
        assumeTrue(reason == null, reason);
    }

    /** {@code null} if loopback is the only interface up, else why a join without an interface might leave it. */
    static String whyNotOnlyLoopback() throws SocketException {
        List<String> others = new ArrayList<>();
        for (NetworkInterface iface : NetUtil.NETWORK_INTERFACES) {
            if (iface.isUp() && !iface.isLoopback()) {
                others.add(iface.getName());
            }
        }
        if (others.isEmpty()) {
            return null;
        }
        return "Netty's test joins a group without naming an interface, and the kernel could choose " + others
                + ", which is not loopback (it runs in a network namespace whose only interface is loopback:"
                + " the multicast-netns execution, as root)";
    }

    /** {@code null} if the test may run, else why not. */
    static String whyNot(SocketProtocolFamily socketFamily, SocketProtocolFamily groupFamily) throws IOException {
        NetworkInterface first = firstCandidate(socketFamily);
        if (first == null) {
            return "no interface is up with the MULTICAST flag and an " + socketFamily + " address";
        }
        if (!first.isLoopback()) {
            return "Netty's DatagramMulticastTest would send through " + first.getName() + ", which is not loopback,"
                    + " so its packets could leave this machine; loopback has no MULTICAST flag here"
                    + " (to run it: ip link set lo multicast on)";
        }
        InetAddress group = InetAddress.getByName(groupFamily == SocketProtocolFamily.INET
                ? "230.0.0.1" : "FF01:0:0:0:0:0:0:101");
        InetAddress any = InetAddress.getByName(socketFamily == SocketProtocolFamily.INET ? "0.0.0.0" : "::");
        try (MulticastSocket probe = new MulticastSocket(new InetSocketAddress(any, 0))) {
            probe.setNetworkInterface(first);
            probe.send(new java.net.DatagramPacket(new byte[] {1}, 1, new InetSocketAddress(group, 12345)));
        } catch (SocketException e) {
            return "a probe to " + group.getHostAddress() + " through " + first.getName() + " failed (" + e
                    + "): Netty's test would then try the next interface, which may not be loopback";
        }
        return null;
    }

    private static NetworkInterface firstCandidate(SocketProtocolFamily family) throws SocketException {
        for (NetworkInterface iface : NetUtil.NETWORK_INTERFACES) {
            if (!iface.isUp() || !iface.supportsMulticast()) {
                continue;
            }
            for (InetAddress address : Collections.list(iface.getInetAddresses())) {
                if (family == SocketProtocolFamily.INET ? address instanceof Inet4Address
                        : address instanceof Inet6Address) {
                    return iface;
                }
            }
        }
        return null;
    }
}

package dev.customtransport.testsuite.datagram;

import dev.customtransport.testsuite.ExecutionTags;

import io.netty.channel.socket.SocketProtocolFamily;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.NetworkInterface;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * In the {@code multicast-netns} execution (testsuite/pom.xml, which sets {@value #PROPERTY}), the JVM is in a network
 * namespace whose only interface is loopback, with the MULTICAST flag, and none of {@link LoopbackMulticast}'s checks
 * would skip a multicast test: so that execution cannot quietly skip them.
 */
@Tag(ExecutionTags.MULTICAST)
class MulticastNamespaceTest {

    static final String PROPERTY = "customtransport.testsuite.netns";

    @Test
    void loopbackIsTheOnlyInterfaceAndCarriesMulticast() throws Exception {
        assumeTrue(Boolean.getBoolean(PROPERTY), "not the multicast-netns execution (-D" + PROPERTY + " is not set)");
        List<NetworkInterface> all = Collections.list(NetworkInterface.getNetworkInterfaces());
        assertEquals(1, all.size(), all::toString);
        NetworkInterface lo = all.get(0);
        assertTrue(lo.isLoopback() && lo.isUp() && lo.supportsMulticast(), lo::toString);
        assertAll(
                () -> assertNull(LoopbackMulticast.whyNot(SocketProtocolFamily.INET, SocketProtocolFamily.INET)),
                () -> assertNull(LoopbackMulticast.whyNot(SocketProtocolFamily.INET6, SocketProtocolFamily.INET6)),
                () -> assertNull(LoopbackMulticast.whyNotOnlyLoopback()));
    }
}

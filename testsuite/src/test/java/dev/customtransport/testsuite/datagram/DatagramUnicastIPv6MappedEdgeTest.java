package dev.customtransport.testsuite.datagram;

import dev.customtransport.testsuite.EdgeTriggered;

@EdgeTriggered
public class DatagramUnicastIPv6MappedEdgeTest extends CustomDatagramUnicastIPv6MappedTest {
}

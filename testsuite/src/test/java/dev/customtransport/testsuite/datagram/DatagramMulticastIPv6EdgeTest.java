package dev.customtransport.testsuite.datagram;

import dev.customtransport.testsuite.EdgeTriggered;

@EdgeTriggered
public class DatagramMulticastIPv6EdgeTest extends CustomDatagramMulticastIPv6Test {
}

package dev.customtransport.testsuite.datagram;

import dev.customtransport.testsuite.EdgeTriggered;

@EdgeTriggered
public class DatagramUnicastIPv6EdgeTest extends CustomDatagramUnicastIPv6Test {
}

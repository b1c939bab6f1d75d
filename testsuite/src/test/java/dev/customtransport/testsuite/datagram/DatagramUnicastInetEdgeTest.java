package dev.customtransport.testsuite.datagram;

import dev.customtransport.testsuite.EdgeTriggered;

@EdgeTriggered
public class DatagramUnicastInetEdgeTest extends CustomDatagramUnicastInetTest {
}

package dev.customtransport.testsuite.socket;

import dev.customtransport.testsuite.EdgeTriggered;

@EdgeTriggered
public class SocketChannelEOFEdgeTest extends CustomSocketChannelEOFTest {
}

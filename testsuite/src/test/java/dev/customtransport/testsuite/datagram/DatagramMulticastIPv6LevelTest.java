package dev.customtransport.testsuite.datagram;

import dev.customtransport.testsuite.LevelTriggered;

@LevelTriggered
public class DatagramMulticastIPv6LevelTest extends CustomDatagramMulticastIPv6Test {
}

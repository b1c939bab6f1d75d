package dev.customtransport.testsuite.datagram;

import dev.customtransport.testsuite.LevelTriggered;

@LevelTriggered
public class DatagramUnicastIPv6LevelTest extends CustomDatagramUnicastIPv6Test {
}

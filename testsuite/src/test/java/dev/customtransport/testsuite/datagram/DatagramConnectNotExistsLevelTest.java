package dev.customtransport.testsuite.datagram;

import dev.customtransport.testsuite.LevelTriggered;

@LevelTriggered
public class DatagramConnectNotExistsLevelTest extends CustomDatagramConnectNotExistsTest {
}

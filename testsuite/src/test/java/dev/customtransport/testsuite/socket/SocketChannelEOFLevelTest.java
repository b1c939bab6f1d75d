package dev.customtransport.testsuite.socket;

import dev.customtransport.testsuite.LevelTriggered;

@LevelTriggered
public class SocketChannelEOFLevelTest extends CustomSocketChannelEOFTest {
}

package dev.customtransport.testsuite;

@LevelTriggered
public class EventLoopLevelTest extends CustomEventLoopTest {
}

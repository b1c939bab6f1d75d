package dev.customtransport.testsuite;

@LevelTriggered
public class IoHandlerEventCountLevelTest extends CustomIoHandlerEventCountTest {
}

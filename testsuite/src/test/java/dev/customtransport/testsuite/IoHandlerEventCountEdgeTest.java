package dev.customtransport.testsuite;

@EdgeTriggered
public class IoHandlerEventCountEdgeTest extends CustomIoHandlerEventCountTest {
}

package dev.customtransport.testsuite;

@EdgeTriggered
public class EventLoopEdgeTest extends CustomEventLoopTest {
}

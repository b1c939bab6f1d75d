package dev.customtransport.testsuite.domain;

import dev.customtransport.testsuite.EdgeTriggered;

@EdgeTriggered
public class DomainSocketFixedLengthEchoEdgeTest extends CustomDomainSocketFixedLengthEchoTest {
}

package dev.customtransport.testsuite.domain;

import dev.customtransport.testsuite.EdgeTriggered;

@EdgeTriggered
public class DomainSocketGatheringWriteEdgeTest extends CustomDomainSocketGatheringWriteTest {
}

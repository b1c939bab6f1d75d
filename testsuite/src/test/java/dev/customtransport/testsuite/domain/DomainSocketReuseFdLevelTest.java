package dev.customtransport.testsuite.domain;

import dev.customtransport.testsuite.LevelTriggered;

@LevelTriggered
public class DomainSocketReuseFdLevelTest extends CustomDomainSocketReuseFdTest {
}

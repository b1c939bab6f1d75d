package dev.customtransport.testsuite.domain;

import dev.customtransport.testsuite.LevelTriggered;

@LevelTriggered
public class DomainSocketDataReadInitialStateLevelTest extends CustomDomainSocketDataReadInitialStateTest {
}

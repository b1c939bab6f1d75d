package dev.customtransport.testsuite;

import io.netty.handler.ssl.OpenSsl;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Which library the SSL tests' OpenSSL cases ran on, so that no surefire execution can quietly lose them (Netty's SSL
 * tests only log and leave those cases out when netty-tcnative does not load). Each execution of testsuite/pom.xml
 * names its library in {@value #PROPERTY}: {@code boringssl} (the default execution, netty-tcnative-boringssl-static:
 * no renegotiation, so the renegotiation cases skip there), {@code openssl} (the {@code openssl} execution:
 * netty-tcnative built against the machine's OpenSSL 3, where they run).
 */
@Tag(ExecutionTags.SSL)
class TcnativeEngineTest {

    static final String PROPERTY = "customtransport.testsuite.tcnative";

    @Test
    void theExecutionsLibraryIsLoaded() {
        String engine = System.getProperty(PROPERTY);
        assumeTrue(engine != null, PROPERTY + " is not set: not run by a surefire execution of testsuite/pom.xml");
        assertTrue(OpenSsl.isAvailable(), () -> "netty-tcnative did not load: " + OpenSsl.unavailabilityCause());
        String version = OpenSsl.versionString();
        switch (engine) {
            case "boringssl":
                assertTrue(version.startsWith("BoringSSL"), version);
                assertFalse(OpenSsl.isRenegotiationSupported(), version + " renegotiates");
                break;
            case "openssl":
                assertTrue(version.startsWith("OpenSSL 3"), version);
                assertTrue(OpenSsl.isRenegotiationSupported(), version + " does not renegotiate");
                break;
            default:
                fail("-D" + PROPERTY + "=" + engine + ": expected boringssl or openssl");
        }
    }
}

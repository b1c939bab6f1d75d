package dev.customtransport.testsuite;

import dev.customtransport.Custom;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The guard of the faults execution (pom.xml): the slice of the suite it runs would pass just as well without a
 * single fault, so this fails unless its JVM really has the fault-injection library loaded and a configuration for
 * it. The faults it injected are printed at the end of the module's build (execution faults-report).
 */
class FaultInjectedSliceTest {

    @Test
    void thisJvmRunsTheSliceOnTheFaultInjectionLibrary() throws IOException {
        // Only the faults execution sets CT_FAULTS (a -Dtest selection runs this class in the others too).
        assumeTrue(System.getenv("CT_FAULTS") != null, "not the faults execution: no CT_FAULTS in the environment");
        String library = System.getProperty("dev.customtransport.native.library");
        assertNotNull(library, "the faults execution names the fault-injection library");
        Custom.ensureAvailability();
        String real = Path.of(library).toRealPath().toString();
        String maps = Files.readString(Path.of("/proc/self/maps"));
        assertTrue(maps.contains(real), real + " is not mapped into this JVM");
    }
}

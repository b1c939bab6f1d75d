package dev.customtransport.testsuite;

import dev.customtransport.ReadinessMode;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Implemented by every test class of this module that runs once per readiness mode. Its concrete classes are its two
 * static nested classes, {@code Level} with {@link LevelTriggered} and {@code Edge} with {@link EdgeTriggered};
 * {@link ReadinessModeExtension} skips one when its mode is switched off ({@link TestModes}) and makes sure the
 * loopback "bad host" exists before it runs.
 */
@ExtendWith(ReadinessModeExtension.class)
public interface ReadinessModeTest {

    /** The readiness mode of this test class's event loops. */
    default ReadinessMode mode() {
        return TestModes.modeOf(getClass());
    }

    /** Our permutation for {@link #mode()}. */
    default CustomSocketTestPermutation permutation() {
        return CustomSocketTestPermutation.of(mode());
    }
}

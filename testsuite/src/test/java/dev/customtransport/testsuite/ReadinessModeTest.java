package dev.customtransport.testsuite;

import dev.customtransport.ReadinessMode;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Implemented by every test class of this module that runs once per readiness mode. The concrete class names its
 * mode with {@link LevelTriggered} or {@link EdgeTriggered}; {@link ReadinessModeExtension} skips it when that mode
 * is switched off ({@link TestModes}) and makes sure the loopback "bad host" exists before it runs.
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

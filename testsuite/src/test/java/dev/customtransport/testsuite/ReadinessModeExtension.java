package dev.customtransport.testsuite;

import dev.customtransport.Custom;
import dev.customtransport.ReadinessMode;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Optional;

/**
 * Skips a {@link ReadinessModeTest} class whose mode is switched off. Before a class that runs, fails it at once
 * with the loader's explanation if our transport is not available (rather than letting every test trip over it),
 * and, as a fallback for launchers that do not load {@link BadHostSessionListener}, starts the loopback bad host.
 */
public final class ReadinessModeExtension implements ExecutionCondition, BeforeAllCallback {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<Class<?>> testClass = context.getTestClass();
        if (testClass.isEmpty() || context.getTestMethod().isPresent()) {
            return ConditionEvaluationResult.enabled("decided per class");
        }
        ReadinessMode mode = TestModes.modeOf(testClass.get());
        if (TestModes.isEnabled(mode)) {
            return ConditionEvaluationResult.enabled(mode + " is enabled");
        }
        return ConditionEvaluationResult.disabled(mode + " is switched off: modes = " + TestModes.describe());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Custom.ensureAvailability();
        BadHost.ensureStarted();
    }
}

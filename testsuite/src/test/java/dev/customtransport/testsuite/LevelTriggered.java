package dev.customtransport.testsuite;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a concrete test class, the nested class {@code Level} of a file, that runs against
 * {@link dev.customtransport.ReadinessMode#LEVEL_TRIGGERED} loops (see {@link TestModes}). Also tags it
 * {@code level-triggered}, so surefire's {@code -Dgroups} can select it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Tag("level-triggered")
public @interface LevelTriggered {
}

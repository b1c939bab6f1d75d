package dev.customtransport.testsuite;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a concrete test class, the nested class {@code Edge} of a file, that runs against
 * {@link dev.customtransport.ReadinessMode#EDGE_TRIGGERED} loops (see {@link TestModes}). Also tags it
 * {@code edge-triggered}, so surefire's {@code -Dgroups} can select it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Tag("edge-triggered")
public @interface EdgeTriggered {
}

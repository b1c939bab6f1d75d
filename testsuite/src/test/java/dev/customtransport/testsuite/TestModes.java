package dev.customtransport.testsuite;

import dev.customtransport.ReadinessMode;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which readiness modes the testsuite runs, and which mode a test class is for.
 *
 * <p>Every Netty testsuite class has one file of ours, {@code CustomXxxTest}, whose two static nested classes run it
 * once per {@link ReadinessMode}: {@code CustomXxxTest.Level} (annotated {@link LevelTriggered}) and
 * {@code CustomXxxTest.Edge} (annotated {@link EdgeTriggered}). The classes of a mode that is switched off are reported
 * as skipped, with the reason.
 *
 * <p>To switch modes, either change {@link #DEFAULT_MODES} or pass the system property, e.g.
 * {@code mvn -pl testsuite -am verify -Dcustomtransport.testsuite.modes=level} (surefire hands {@code -D} user
 * properties to the test JVM). Accepted, comma separated: {@code level}/{@code lt}/{@code LEVEL_TRIGGERED},
 * {@code edge}/{@code et}/{@code EDGE_TRIGGERED}, or {@code all}/{@code both}. The mode annotations are also JUnit
 * tags, so {@code -Dgroups=level-triggered} runs the level-triggered classes only (and none of the others). One file
 * in both modes: {@code -Dtest='CustomSocketEchoTest*'} (the nested classes are {@code CustomSocketEchoTest$Level}
 * and {@code CustomSocketEchoTest$Edge}).
 */
public final class TestModes {

    /** The system property that overrides {@link #DEFAULT_MODES}. */
    public static final String PROPERTY = "customtransport.testsuite.modes";

    /** The modes run when {@link #PROPERTY} is not set. */
    public static final String DEFAULT_MODES = "level,edge";

    private static final Set<ReadinessMode> ENABLED = parse(System.getProperty(PROPERTY, DEFAULT_MODES));

    private TestModes() { }

    /** The modes this run tests. */
    public static Set<ReadinessMode> enabled() {
        return ENABLED;
    }

    public static boolean isEnabled(ReadinessMode mode) {
        return ENABLED.contains(mode);
    }

    /** What {@link #enabled()} was computed from, for messages. */
    public static String describe() {
        String value = System.getProperty(PROPERTY);
        return value == null ? DEFAULT_MODES + " (TestModes.DEFAULT_MODES)" : value + " (-D" + PROPERTY + ")";
    }

    /**
     * The mode a concrete test class is for: exactly one of {@link LevelTriggered} / {@link EdgeTriggered} on the
     * class itself (not inherited, so a subclass cannot silently run its parent's mode).
     */
    public static ReadinessMode modeOf(Class<?> testClass) {
        boolean level = testClass.isAnnotationPresent(LevelTriggered.class);
        boolean edge = testClass.isAnnotationPresent(EdgeTriggered.class);
        if (level == edge) {
            throw new IllegalStateException(testClass.getName() + " must be annotated with exactly one of @"
                    + LevelTriggered.class.getSimpleName() + " and @" + EdgeTriggered.class.getSimpleName());
        }
        return level ? ReadinessMode.LEVEL_TRIGGERED : ReadinessMode.EDGE_TRIGGERED;
    }

    /** {@code true} if the class carries one of the mode annotations. */
    public static boolean hasMode(Class<?> testClass) {
        return testClass.isAnnotationPresent(LevelTriggered.class)
                || testClass.isAnnotationPresent(EdgeTriggered.class);
    }

    static Set<ReadinessMode> parse(String value) {
        Set<ReadinessMode> modes = EnumSet.noneOf(ReadinessMode.class);
        for (String token : value.split(",")) {
            String t = token.trim().toLowerCase(Locale.ROOT);
            switch (t) {
                case "":
                    break;
                case "level":
                case "lt":
                case "level_triggered":
                    modes.add(ReadinessMode.LEVEL_TRIGGERED);
                    break;
                case "edge":
                case "et":
                case "edge_triggered":
                    modes.add(ReadinessMode.EDGE_TRIGGERED);
                    break;
                case "all":
                case "both":
                    modes.addAll(EnumSet.allOf(ReadinessMode.class));
                    break;
                default:
                    throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + ": unknown mode '" + token
                            + "' (use level, edge or both)");
            }
        }
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + " names no mode");
        }
        return Collections.unmodifiableSet(modes);
    }
}

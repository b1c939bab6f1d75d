package dev.customtransport.testsuite;

import dev.customtransport.ReadinessMode;
import dev.customtransport.testsuite.TestsuiteWiringTest.Kind;
import dev.customtransport.testsuite.datagram.CustomDatagramMulticastTest;
import dev.customtransport.testsuite.domain.CustomDomainSocketEchoTest;
import dev.customtransport.testsuite.socket.CustomSocketEchoTest;
import dev.customtransport.testsuite.socket.CustomSocketSslEchoTest;

import io.netty.testsuite.transport.socket.DatagramMulticastIPv6Test;
import io.netty.testsuite.transport.socket.DatagramMulticastTest;
import io.netty.testsuite.transport.socket.SocketEchoTest;
import io.netty.testsuite.transport.socket.SocketRstTest;
import io.netty.testsuite.transport.socket.SocketSslEchoTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of {@link TestsuiteWiringTest} and {@link NettyTestsuiteCoverageTest}, each shown failing on a class that
 * breaks it. The wrong classes below extend no Netty class, so the guards' scan passes over them and JUnit finds no
 * test in them; where a rule needs a Netty test class, Netty's own {@link SocketEchoTest} plays the wrong one.
 */
class TestsuiteGuardsTest {

    @Test
    void nettysOwnNewFactoriesIsRefused() {
        String problem = TestsuiteWiringTest.newFactoriesProblem(SocketEchoTest.class);
        assertTrue(problem != null && problem.contains("AbstractSocketTest"), problem);
        assertNull(TestsuiteWiringTest.newFactoriesProblem(CustomSocketEchoTest.Level.class));
    }

    @Test
    void aModeClassIsTheLevelOrEdgeOfItsFileAndAddsNothing() {
        assertAll(
                () -> assertProblem(CustomSocketEchoTest.Level.class, null),
                () -> assertProblem(CustomSocketEchoTest.Edge.class, null),
                () -> assertProblem(Good.Level.class, null),
                () -> assertProblem(NoMode.Edge.class, "exactly one of @LevelTriggered and @EdgeTriggered"),
                () -> assertProblem(BothModes.Level.class, "exactly one of @LevelTriggered and @EdgeTriggered"),
                () -> assertProblem(Misnamed.Level.class, "should be the static nested class Edge"),
                () -> assertProblem(Lonely.class, "should be the static nested class Level"),
                () -> assertProblem(Inner.Level.class, "should be the static nested class Level"),
                () -> assertProblem(Stray.Level.class, "should extend " + Stray.class.getName()),
                () -> assertProblem(Busy.Level.class, "adds [@Tag, mode()]"),
                () -> assertProblem(NotAModeTest.Edge.class, "does not implement ReadinessModeTest"));
    }

    @Test
    void aListedClassNeedsOneFileWithBothModes() {
        Map<String, List<Class<?>>> echo = Map.of("socket", List.of(SocketEchoTest.class));
        List<Class<?>> both = List.of(CustomSocketEchoTest.class, CustomSocketEchoTest.Level.class,
                CustomSocketEchoTest.Edge.class);
        assertEquals(List.of(), NettyTestsuiteCoverageTest.coverageProblems(echo, both));
        assertEquals(List.of("socket: SocketEchoTest in EDGE_TRIGGERED: 0 classes in CustomSocketEchoTest"),
                NettyTestsuiteCoverageTest.coverageProblems(echo,
                        List.of(CustomSocketEchoTest.class, CustomSocketEchoTest.Level.class)));
        assertEquals(List.of("domain: SocketEchoTest is run by 0 files []"),
                NettyTestsuiteCoverageTest.coverageProblems(Map.of("domain", List.of(SocketEchoTest.class)), both));
        assertEquals(List.of("socket: SocketRstTest is run by 0 files []"),
                NettyTestsuiteCoverageTest.coverageProblems(Map.of("socket", List.of(SocketRstTest.class)), both));
    }

    @Test
    void theExecutionTagsGoWithTheirNettyClasses() {
        assertEquals(List.of(), TestsuiteWiringTest.executionTagProblems(CustomSocketSslEchoTest.Level.class,
                SocketSslEchoTest.class));
        assertEquals(List.of(), TestsuiteWiringTest.executionTagProblems(CustomDatagramMulticastTest.Edge.class,
                DatagramMulticastTest.class));
        assertEquals(List.of(), TestsuiteWiringTest.executionTagProblems(CustomSocketEchoTest.Level.class,
                SocketEchoTest.class));
        assertEquals(List.of(CustomSocketEchoTest.Level.class.getName()
                        + " runs SocketSslEchoTest without @Tag(\"ssl\")"),
                TestsuiteWiringTest.executionTagProblems(CustomSocketEchoTest.Level.class, SocketSslEchoTest.class));
        assertEquals(List.of(CustomSocketSslEchoTest.Edge.class.getName()
                        + " has @Tag(\"ssl\") but runs SocketEchoTest"),
                TestsuiteWiringTest.executionTagProblems(CustomSocketSslEchoTest.Edge.class, SocketEchoTest.class));
        assertEquals(List.of(CustomDatagramMulticastTest.Edge.class.getName()
                        + " has @Tag(\"multicast\") but runs SocketEchoTest"),
                TestsuiteWiringTest.executionTagProblems(CustomDatagramMulticastTest.Edge.class, SocketEchoTest.class));
        assertEquals(List.of(Good.Level.class.getName()
                        + " runs DatagramMulticastIPv6Test without @Tag(\"multicast\")"),
                TestsuiteWiringTest.executionTagProblems(Good.Level.class, DatagramMulticastIPv6Test.class));
    }

    /** Only a mode that is switched on is used, so no loop group of a mode switched off is started. */
    @Test
    void nioTheOtherModeOrTheWrongChannelIsRefused() throws Exception {
        ReadinessMode mode = TestModes.enabled().iterator().next();
        ReadinessMode other = mode == ReadinessMode.LEVEL_TRIGGERED
                ? ReadinessMode.EDGE_TRIGGERED : ReadinessMode.LEVEL_TRIGGERED;
        CustomSocketEchoTest echo = mode == ReadinessMode.LEVEL_TRIGGERED
                ? new CustomSocketEchoTest.Level() : new CustomSocketEchoTest.Edge();
        CustomDomainSocketEchoTest domainEcho = mode == ReadinessMode.LEVEL_TRIGGERED
                ? new CustomDomainSocketEchoTest.Level() : new CustomDomainSocketEchoTest.Edge();
        CustomIoHandlerEventCountTest handler = mode == ReadinessMode.LEVEL_TRIGGERED
                ? new CustomIoHandlerEventCountTest.Level() : new CustomIoHandlerEventCountTest.Edge();

        TestsuiteWiringTest.checkRuntimeWiring(echo, Kind.SOCKET, mode);
        TestsuiteWiringTest.checkRuntimeWiring(domainEcho, Kind.DOMAIN, mode);
        TestsuiteWiringTest.checkRuntimeWiring(handler, Kind.SOCKET, mode);
        assertRefused(new SocketEchoTest(), Kind.SOCKET, mode, "not made by CustomSocketTestPermutation");
        assertRefused(echo, Kind.SOCKET, other, "wrong mode");
        assertRefused(domainEcho, Kind.SOCKET, mode, "expected one of");
        assertRefused(handler, Kind.SOCKET, other, other.toString());
    }

    private static void assertProblem(Class<?> c, String expected) {
        List<String> problems = TestsuiteWiringTest.modeClassProblems(c);
        if (expected == null) {
            assertEquals(List.of(), problems);
        } else {
            assertTrue(problems.stream().anyMatch(p -> p.contains(expected)),
                    () -> c.getName() + ": expected a problem with \"" + expected + "\", got " + problems);
        }
    }

    private static void assertRefused(Object test, Kind kind, ReadinessMode mode, String expected) {
        AssertionError e = assertThrows(AssertionError.class,
                () -> TestsuiteWiringTest.checkRuntimeWiring(test, kind, mode));
        assertTrue(e.getMessage().contains(expected), e::getMessage);
    }

    // ---------------------------------------------------------------- files of ours, right and wrong

    abstract static class Good implements ReadinessModeTest {
        @LevelTriggered
        static final class Level extends Good {
        }
    }

    abstract static class NoMode implements ReadinessModeTest {
        static final class Edge extends NoMode {
        }
    }

    abstract static class BothModes implements ReadinessModeTest {
        @LevelTriggered
        @EdgeTriggered
        static final class Level extends BothModes {
        }
    }

    abstract static class Misnamed implements ReadinessModeTest {
        @EdgeTriggered
        static final class Level extends Misnamed {
        }
    }

    @LevelTriggered
    static final class Lonely extends Good {
    }

    abstract static class Inner implements ReadinessModeTest {
        @LevelTriggered
        final class Level extends Inner {
        }
    }

    abstract static class Stray implements ReadinessModeTest {
        @LevelTriggered
        static final class Level extends Good {
        }
    }

    abstract static class Busy implements ReadinessModeTest {
        @LevelTriggered
        @Tag("slow")
        static final class Level extends Busy {
            @Override
            public ReadinessMode mode() {
                return ReadinessMode.EDGE_TRIGGERED;
            }
        }
    }

    abstract static class NotAModeTest {
        @EdgeTriggered
        static final class Edge extends NotAModeTest {
        }
    }
}

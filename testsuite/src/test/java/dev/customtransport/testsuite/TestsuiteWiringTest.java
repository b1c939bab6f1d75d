package dev.customtransport.testsuite;

import dev.customtransport.CustomDatagramChannel;
import dev.customtransport.CustomDomainDatagramChannel;
import dev.customtransport.CustomDomainSocketChannel;
import dev.customtransport.CustomEventLoopGroup;
import dev.customtransport.CustomIoHandler;
import dev.customtransport.CustomServerDomainSocketChannel;
import dev.customtransport.CustomServerSocketChannel;
import dev.customtransport.CustomSocketChannel;
import dev.customtransport.ReadinessMode;
import dev.customtransport.testsuite.CustomSocketTestPermutation.SideFactory;
import dev.customtransport.testsuite.CustomSocketTestPermutation.Transport;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.testsuite.transport.AbstractComboTestsuiteTest;
import io.netty.testsuite.transport.AbstractIoHandlerEventCountTest;
import io.netty.testsuite.transport.AbstractSingleThreadEventLoopTest;
import io.netty.testsuite.transport.AbstractTestsuiteTest;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.DatagramMulticastIPv6Test;
import io.netty.testsuite.transport.socket.DatagramMulticastTest;
import io.netty.testsuite.transport.socket.SocketSslClientRenegotiateTest;
import io.netty.testsuite.transport.socket.SocketSslEchoTest;
import io.netty.testsuite.transport.socket.SocketSslGreetingTest;
import io.netty.testsuite.transport.socket.SocketSslSessionReuseTest;
import io.netty.testsuite.transport.socket.SocketStartTlsTest;
import io.netty.util.concurrent.ThreadAwareExecutor;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Keeps the wiring honest: a Netty testsuite subclass that does not override {@code newFactories()} silently runs
 * NIO only (Netty's own {@code EpollDatagramMulticastIpv6WithIpv4AddrTest} does), one that picks the wrong
 * permutation runs the wrong mode, and a mode's class that adds code of its own runs something the other mode does
 * not. {@link TestsuiteGuardsTest} checks that each rule here fails on a class that breaks it.
 */
class TestsuiteWiringTest {

    @Test
    void scanFindsTheSuite() {
        long concrete = TestClasses.nettySuiteClasses().stream().filter(TestClasses::isConcrete).count();
        assertTrue(concrete >= 2L * NettyTestsuiteCoverageTest.coveredCount(),
                "only " + concrete + " concrete testsuite classes found in " + TestClasses.PACKAGE);
    }

    /** Statically: the {@code newFactories()} each class runs is declared by one of our classes, not by Netty. */
    @Test
    void everyTestsuiteSubclassDeclaresItsOwnNewFactories() {
        List<String> bad = new ArrayList<>();
        for (Class<?> c : TestClasses.nettySuiteClasses()) {
            String problem = newFactoriesProblem(c);
            if (problem != null) {
                bad.add(problem);
            }
        }
        assertEquals(List.of(), bad, "these classes would run Netty's NIO-only permutations");
    }

    /** Why {@code c} would run permutations that are not ours, or {@code null} if it runs ours (or has none). */
    static String newFactoriesProblem(Class<?> c) {
        if (!AbstractComboTestsuiteTest.class.isAssignableFrom(c) && !AbstractTestsuiteTest.class.isAssignableFrom(c)) {
            return null;
        }
        Class<?> declarer = TestClasses.newFactoriesDeclarer(c);
        if (declarer == null || !declarer.getName().startsWith(TestClasses.PACKAGE + ".")) {
            return c.getName() + " runs newFactories() of " + (declarer == null ? "nobody" : declarer.getName());
        }
        return null;
    }

    /** Every concrete suite class is the {@code Level} or {@code Edge} of its file: see {@link #modeClassProblems}. */
    @Test
    void everyConcreteClassIsTheLevelOrEdgeOfItsFile() {
        List<String> bad = new ArrayList<>();
        for (Class<?> c : TestClasses.nettySuiteClasses()) {
            if (TestClasses.isConcrete(c)) {
                bad.addAll(modeClassProblems(c));
            }
        }
        assertEquals(List.of(), bad);
    }

    /**
     * What is wrong with a concrete test class of ours, if anything. It goes through {@link ReadinessModeTest}, names
     * exactly one mode, and is one of the two static nested classes of its file's class, which it extends:
     * {@code Level} ({@link LevelTriggered}) or {@code Edge} ({@link EdgeTriggered}), so that reports name the mode
     * ({@code CustomSocketEchoTest$Level}). It adds nothing (no member, no other annotation, such as a {@code @Tag} or
     * a {@code @Disabled}), so both modes run the same tests.
     */
    static List<String> modeClassProblems(Class<?> c) {
        List<String> bad = new ArrayList<>();
        if (!ReadinessModeTest.class.isAssignableFrom(c)) {
            bad.add(c.getName() + " does not implement ReadinessModeTest");
        }
        ReadinessMode mode;
        try {
            mode = TestModes.modeOf(c);
        } catch (IllegalStateException e) {
            bad.add(e.getMessage());
            return bad;
        }
        String name = mode == ReadinessMode.LEVEL_TRIGGERED ? "Level" : "Edge";
        Class<?> file = c.getDeclaringClass();
        if (file == null || !Modifier.isStatic(c.getModifiers()) || !c.getSimpleName().equals(name)) {
            bad.add(c.getName() + " runs " + mode + ": it should be the static nested class " + name
                    + " of its file's class, so reports name the mode");
        } else if (c.getSuperclass() != file) {
            bad.add(c.getName() + " should extend " + file.getName() + ", the class it is nested in");
        }
        List<String> added = new ArrayList<>();
        for (Annotation a : c.getDeclaredAnnotations()) {
            if (a.annotationType() != LevelTriggered.class && a.annotationType() != EdgeTriggered.class) {
                added.add("@" + a.annotationType().getSimpleName());
            }
        }
        for (Field f : c.getDeclaredFields()) {
            if (!f.isSynthetic()) {
                added.add(f.getName());
            }
        }
        for (Method m : c.getDeclaredMethods()) {
            if (!m.isSynthetic()) {
                added.add(m.getName() + "()");
            }
        }
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (k.getParameterCount() != 0) {
                added.add(k.toString());
            }
        }
        for (Class<?> k : c.getDeclaredClasses()) {
            added.add(k.getSimpleName());
        }
        if (!added.isEmpty()) {
            bad.add(c.getName() + " adds " + added + ": put it in the file's class, so both modes have it");
        }
        return bad;
    }

    /**
     * The Netty classes whose files carry each tag of {@link ExecutionTags}: the multicast tests, and the tests whose
     * cases take an {@code SslProvider} (Netty's {@code SocketSslLargeCertificateTest} is one too, but not run here).
     */
    static final Map<String, List<Class<?>>> TAGGED = Map.of(
            ExecutionTags.MULTICAST, List.of(DatagramMulticastTest.class, DatagramMulticastIPv6Test.class),
            ExecutionTags.SSL, List.of(SocketSslEchoTest.class, SocketSslGreetingTest.class,
                    SocketSslClientRenegotiateTest.class, SocketSslSessionReuseTest.class, SocketStartTlsTest.class));

    /** The files of exactly those Netty classes carry the tag that sends them to their extra execution. */
    @Test
    void exactlyTheirNettyClassesFilesCarryTheExecutionTags() {
        List<String> bad = new ArrayList<>();
        for (Class<?> c : TestClasses.nettySuiteClasses()) {
            if (TestClasses.isConcrete(c)) {
                bad.addAll(executionTagProblems(c, TestClasses.nettyAncestor(c)));
            }
        }
        assertEquals(List.of(), bad);
    }

    /** What is wrong with the execution tags of {@code c}, a class of ours running Netty's {@code netty}. */
    static List<String> executionTagProblems(Class<?> c, Class<?> netty) {
        Set<String> tags = AnnotationSupport.findRepeatableAnnotations(c, Tag.class).stream()
                .map(Tag::value).collect(Collectors.toSet());
        List<String> bad = new ArrayList<>();
        TAGGED.forEach((tag, nettyClasses) -> {
            boolean listed = nettyClasses.contains(netty);
            if (listed && !tags.contains(tag)) {
                bad.add(c.getName() + " runs " + netty.getSimpleName() + " without @Tag(\"" + tag + "\")");
            } else if (!listed && tags.contains(tag)) {
                bad.add(c.getName() + " has @Tag(\"" + tag + "\") but runs " + netty.getSimpleName());
            }
        });
        return bad;
    }

    /**
     * At run time: every combo a class's {@code newFactories()} returns has our transport on at least one side (so
     * ours x ours, ours x NIO, NIO x ours), in the class's mode, and ours x ours is among them. A single-bootstrap
     * class's list holds ours (it may hold NIO too, as Netty's epoll lists do).
     */
    @TestFactory
    Stream<DynamicTest> everyPermutationIncludesOurTransportInTheClassMode() {
        return TestClasses.nettySuiteClasses().stream()
                .filter(TestClasses::isConcrete)
                .map(c -> DynamicTest.dynamicTest(c.getSimpleName(), () -> {
                    try {
                        checkRuntimeWiring(c);
                    } catch (AssertionError e) {
                        throw new AssertionError(c.getName() + ": " + e.getMessage(), e);
                    }
                }));
    }

    private static void checkRuntimeWiring(Class<?> c) throws Exception {
        ReadinessMode mode = TestModes.modeOf(c);
        assumeTrue(TestModes.isEnabled(mode), mode + " is switched off: " + TestModes.describe());
        checkRuntimeWiring(c.getDeclaredConstructor().newInstance(), Kind.of(c), mode);
    }

    /** Checks that {@code test}, a test of the given kind, runs our transport in {@code mode}. */
    static void checkRuntimeWiring(Object test, Kind kind, ReadinessMode mode) throws Exception {
        if (test instanceof AbstractSingleThreadEventLoopTest) {
            checkEventLoopTest(test, mode);
            return;
        }
        if (test instanceof AbstractIoHandlerEventCountTest) {
            checkIoHandlerTest(test, mode);
            return;
        }
        List<?> factories = (List<?>) call(test, "newFactories");
        assertFalse(factories.isEmpty(), "no permutations");
        boolean oursOnBothSides = false;
        boolean oursSomewhere = false;
        for (Object f : factories) {
            if (f instanceof BootstrapComboFactory) {
                BootstrapComboFactory<?, ?> combo = (BootstrapComboFactory<?, ?>) f;
                boolean server = checkSide(kind, combo.newServerInstance(), mode, f);
                boolean client = checkSide(kind, combo.newClientInstance(), mode, f);
                // Netty's epoll datagram lists are the full 2x2 (NIO x NIO included); elsewhere NIO x NIO is dropped.
                assertTrue(server || client || kind == Kind.DATAGRAM, "combo without our transport: " + f);
                oursOnBothSides |= server && client;
            } else {
                oursSomewhere |= checkSide(kind, ((BootstrapFactory<?>) f).newInstance(), mode, f);
            }
        }
        if (test instanceof AbstractComboTestsuiteTest) {
            assertTrue(oursOnBothSides, "no ours x ours combo in " + factories);
        } else {
            assertTrue(oursSomewhere, "no bootstrap of ours in " + factories);
        }
    }

    /**
     * {@code true} if the bootstrap is ours; checks it was made by our permutation, in the class's mode, with a
     * channel of the kind the test class's package is for (TCP, UDP or unix domain sockets).
     */
    private static boolean checkSide(Kind kind, AbstractBootstrap<?, ?> bootstrap, ReadinessMode mode, Object combo) {
        SideFactory<?> side = CustomSocketTestPermutation.sideOf(bootstrap);
        assertNotNull(side, () -> "not made by CustomSocketTestPermutation: " + bootstrap + " in " + combo);
        if (side.transport() != Transport.CUSTOM) {
            return false;
        }
        assertSame(mode, side.mode(), () -> "wrong mode in " + combo);
        assertInstanceOf(CustomEventLoopGroup.class, bootstrap.config().group(), () -> "group of " + combo);
        List<Class<?>> expected = kind.channelClasses(bootstrap instanceof ServerBootstrap);
        assertTrue(expected.stream().anyMatch(k -> k.isAssignableFrom(side.channelClass())),
                () -> side.channelClass() + " in " + combo + ", expected one of " + expected);
        return true;
    }

    /**
     * What a test class runs over, from its package: {@code socket}, {@code datagram} or {@code domain} (the root
     * package's loop tests count as {@code socket}).
     */
    enum Kind {
        SOCKET, DATAGRAM, DOMAIN;

        static Kind of(Class<?> testClass) {
            return valueOf(NettyTestsuiteCoverageTest.packageOf(testClass).toUpperCase(java.util.Locale.ROOT));
        }

        List<Class<?>> channelClasses(boolean server) {
            switch (this) {
                case SOCKET:
                    return List.of(server ? CustomServerSocketChannel.class : CustomSocketChannel.class);
                case DATAGRAM:
                    return List.of(CustomDatagramChannel.class);
                default:
                    return server ? List.of(CustomServerDomainSocketChannel.class)
                            : List.of(CustomDomainSocketChannel.class, CustomDomainDatagramChannel.class);
            }
        }
    }

    private static void checkEventLoopTest(Object test, ReadinessMode mode) throws Exception {
        assertTrue((Boolean) call(test, "supportsChannelIteration"));
        assertSame(CustomServerSocketChannel.class, call(test, "serverChannelClass"));
        Channel ch = (Channel) call(test, "newChannel");
        try {
            assertInstanceOf(CustomSocketChannel.class, ch);
        } finally {
            ch.unsafe().closeForcibly();
        }
        for (String factory : new String[] {"newEventLoopGroup", "newAutoScalingEventLoopGroup"}) {
            EventLoopGroup group = (EventLoopGroup) call(test, factory);
            try {
                assertInstanceOf(CustomEventLoopGroup.class, group, factory);
            } finally {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }

    /** The handler factory Netty's I/O handler test runs makes our handler, in the class's mode. */
    private static void checkIoHandlerTest(Object test, ReadinessMode mode) throws Exception {
        IoHandlerFactory factory = (IoHandlerFactory) call(test, "newIoHandlerFactory");
        ThreadAwareExecutor executor = new ThreadAwareExecutor() {
            @Override
            public boolean isExecutorThread(Thread thread) {
                return thread == Thread.currentThread();
            }

            @Override
            public void execute(Runnable command) {
                command.run();
            }
        };
        IoHandler handler = factory.newHandler(executor);
        try {
            assertInstanceOf(CustomIoHandler.class, handler);
            assertSame(mode, ((CustomIoHandler) handler).readinessMode());
        } finally {
            handler.destroy();
        }
    }

    private static Object call(Object target, String method) throws Exception {
        for (Class<?> k = target.getClass(); k != null; k = k.getSuperclass()) {
            for (Method m : k.getDeclaredMethods()) {
                if (m.getName().equals(method) && m.getParameterCount() == 0 && !m.isBridge()) {
                    m.setAccessible(true);
                    return m.invoke(target);
                }
            }
        }
        throw new NoSuchMethodException(target.getClass().getName() + "." + method + "()");
    }
}

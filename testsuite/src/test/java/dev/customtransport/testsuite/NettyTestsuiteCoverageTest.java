package dev.customtransport.testsuite;

import dev.customtransport.ReadinessMode;

import io.netty.testsuite.transport.AbstractIoHandlerEventCountTest;
import io.netty.testsuite.transport.AbstractSingleThreadEventLoopTest;
import io.netty.testsuite.transport.socket.AbstractSocketReuseFdTest;
import io.netty.testsuite.transport.socket.AbstractSocketShutdownOutputByPeerTest;
import io.netty.testsuite.transport.socket.CompositeBufferGatheringWriteTest;
import io.netty.testsuite.transport.socket.DatagramConnectNotExistsTest;
import io.netty.testsuite.transport.socket.DatagramMulticastIPv6Test;
import io.netty.testsuite.transport.socket.DatagramMulticastTest;
import io.netty.testsuite.transport.socket.DatagramUnicastIPv6MappedTest;
import io.netty.testsuite.transport.socket.DatagramUnicastIPv6Test;
import io.netty.testsuite.transport.socket.DatagramUnicastInetTest;
import io.netty.testsuite.transport.socket.DatagramUnicastTest;
import io.netty.testsuite.transport.socket.ServerSocketSuspendTest;
import io.netty.testsuite.transport.socket.SocketAddressesTest;
import io.netty.testsuite.transport.socket.SocketAutoReadTest;
import io.netty.testsuite.transport.socket.SocketBufReleaseTest;
import io.netty.testsuite.transport.socket.SocketCancelWriteTest;
import io.netty.testsuite.transport.socket.SocketChannelEOFTest;
import io.netty.testsuite.transport.socket.SocketChannelNotYetConnectedTest;
import io.netty.testsuite.transport.socket.SocketCloseForciblyTest;
import io.netty.testsuite.transport.socket.SocketConditionalWritabilityTest;
import io.netty.testsuite.transport.socket.SocketConnectTest;
import io.netty.testsuite.transport.socket.SocketConnectionAttemptTest;
import io.netty.testsuite.transport.socket.SocketDataReadInitialStateTest;
import io.netty.testsuite.transport.socket.SocketEchoTest;
import io.netty.testsuite.transport.socket.SocketExceptionHandlingTest;
import io.netty.testsuite.transport.socket.SocketFileRegionTest;
import io.netty.testsuite.transport.socket.SocketFixedLengthEchoTest;
import io.netty.testsuite.transport.socket.SocketGatheringWriteTest;
import io.netty.testsuite.transport.socket.SocketHalfClosedTest;
import io.netty.testsuite.transport.socket.SocketMultipleConnectTest;
import io.netty.testsuite.transport.socket.SocketObjectEchoTest;
import io.netty.testsuite.transport.socket.SocketReadPendingTest;
import io.netty.testsuite.transport.socket.SocketRstTest;
import io.netty.testsuite.transport.socket.SocketShutdownOutputByPeerTest;
import io.netty.testsuite.transport.socket.SocketShutdownOutputBySelfTest;
import io.netty.testsuite.transport.socket.SocketSpdyEchoTest;
import io.netty.testsuite.transport.socket.SocketSslClientRenegotiateTest;
import io.netty.testsuite.transport.socket.SocketSslEchoTest;
import io.netty.testsuite.transport.socket.SocketSslGreetingTest;
import io.netty.testsuite.transport.socket.SocketSslSessionReuseTest;
import io.netty.testsuite.transport.socket.SocketStartTlsTest;
import io.netty.testsuite.transport.socket.SocketStringEchoTest;
import io.netty.testsuite.transport.socket.TrafficShapingHandlerTest;
import io.netty.testsuite.transport.socket.WriteBeforeRegisteredTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every Netty testsuite class we promise to run has one file here, which runs it in each readiness mode (its nested
 * classes {@code Level} and {@code Edge}).
 */
class NettyTestsuiteCoverageTest {

    /**
     * The Netty classes this module runs over TCP (package {@code socket}), SSL included, and the loop and I/O
     * handler tests. Netty 4.2.20 added {@link SocketChannelEOFTest}, 4.2.21 {@link AbstractIoHandlerEventCountTest}.
     */
    static final List<Class<?>> COVERED = Arrays.asList(
            SocketEchoTest.class, SocketAutoReadTest.class, SocketConditionalWritabilityTest.class,
            SocketDataReadInitialStateTest.class, SocketExceptionHandlingTest.class, SocketFileRegionTest.class,
            SocketFixedLengthEchoTest.class, SocketMultipleConnectTest.class, SocketObjectEchoTest.class,
            SocketReadPendingTest.class, SocketStringEchoTest.class, SocketAddressesTest.class,
            CompositeBufferGatheringWriteTest.class, SocketCloseForciblyTest.class, SocketConnectTest.class,
            SocketGatheringWriteTest.class, SocketHalfClosedTest.class, SocketRstTest.class,
            SocketChannelNotYetConnectedTest.class, WriteBeforeRegisteredTest.class,
            SocketConnectionAttemptTest.class, SocketShutdownOutputBySelfTest.class,
            SocketShutdownOutputByPeerTest.class, SocketBufReleaseTest.class, SocketCancelWriteTest.class,
            SocketSpdyEchoTest.class, TrafficShapingHandlerTest.class, ServerSocketSuspendTest.class,
            SocketSslEchoTest.class, SocketSslGreetingTest.class, SocketSslClientRenegotiateTest.class,
            SocketSslSessionReuseTest.class, SocketStartTlsTest.class, SocketChannelEOFTest.class,
            AbstractSingleThreadEventLoopTest.class, AbstractIoHandlerEventCountTest.class);

    /** The Netty classes run over UDP (package {@code datagram}), as Netty's epoll transport runs them. */
    static final List<Class<?>> DATAGRAM_COVERED = Arrays.asList(
            DatagramUnicastInetTest.class, DatagramUnicastIPv6Test.class, DatagramUnicastIPv6MappedTest.class,
            DatagramMulticastTest.class, DatagramMulticastIPv6Test.class, DatagramConnectNotExistsTest.class);

    /**
     * The Netty classes run over unix domain sockets (package {@code domain}): the socket tests Netty's epoll
     * transport runs over domain sockets, and {@link DatagramUnicastTest} over domain datagrams.
     */
    static final List<Class<?>> DOMAIN_COVERED = Arrays.asList(
            SocketEchoTest.class, SocketFixedLengthEchoTest.class, SocketStringEchoTest.class,
            SocketObjectEchoTest.class, SocketFileRegionTest.class, SocketGatheringWriteTest.class,
            SocketSslEchoTest.class, SocketSslGreetingTest.class, SocketSslClientRenegotiateTest.class,
            SocketStartTlsTest.class, AbstractSocketShutdownOutputByPeerTest.class, AbstractSocketReuseFdTest.class,
            SocketDataReadInitialStateTest.class, SocketAddressesTest.class, DatagramUnicastTest.class);

    /** The covered Netty classes of each package of ours ({@code socket}, {@code datagram}, {@code domain}). */
    static Map<String, List<Class<?>>> coveredByPackage() {
        Map<String, List<Class<?>>> map = new LinkedHashMap<>();
        map.put("socket", COVERED);
        map.put("datagram", DATAGRAM_COVERED);
        map.put("domain", DOMAIN_COVERED);
        return map;
    }

    static int coveredCount() {
        return coveredByPackage().values().stream().mapToInt(List::size).sum();
    }

    /** The last segment of the class's package; the root package's loop tests count as {@code socket}. */
    static String packageOf(Class<?> c) {
        String pkg = c.getPackageName();
        return pkg.equals(TestClasses.PACKAGE) ? "socket" : pkg.substring(pkg.lastIndexOf('.') + 1);
    }

    @Test
    void everyListedNettyClassHasOneFileRunningItInEachMode() {
        assertEquals(List.of(), coverageProblems(coveredByPackage(), TestClasses.nettySuiteClasses()),
                "Netty testsuite classes without exactly one file of ours running them in each mode");
    }

    /**
     * For each listed Netty class of each package: which of {@code ours} extend it there, grouped by file (their
     * top-level class); a problem unless there is exactly one such file and it holds exactly one concrete class of
     * each mode.
     */
    static List<String> coverageProblems(Map<String, List<Class<?>>> covered, List<Class<?>> ours) {
        List<String> problems = new ArrayList<>();
        covered.forEach((pkg, nettyClasses) -> {
            for (Class<?> netty : nettyClasses) {
                List<Class<?>> subclasses = ours.stream()
                        .filter(c -> packageOf(c).equals(pkg))
                        .filter(c -> TestClasses.nettyAncestor(c) == netty)
                        .collect(Collectors.toList());
                Set<Class<?>> files = subclasses.stream().map(TestClasses::fileOf)
                        .collect(Collectors.toCollection(LinkedHashSet::new));
                if (files.size() != 1) {
                    problems.add(pkg + ": " + netty.getSimpleName() + " is run by " + files.size() + " files "
                            + files.stream().map(Class::getSimpleName).collect(Collectors.toList()));
                    continue;
                }
                for (ReadinessMode mode : ReadinessMode.values()) {
                    long n = subclasses.stream()
                            .filter(TestClasses::isConcrete)
                            .filter(c -> TestModes.hasMode(c) && TestModes.modeOf(c) == mode)
                            .count();
                    if (n != 1) {
                        problems.add(pkg + ": " + netty.getSimpleName() + " in " + mode + ": " + n + " classes in "
                                + files.iterator().next().getSimpleName());
                    }
                }
            }
        });
        return problems;
    }

    @Test
    void noSubclassOfAnUnlistedNettyClass() {
        List<String> unlisted = new ArrayList<>();
        for (Class<?> c : TestClasses.nettySuiteClasses()) {
            Class<?> netty = TestClasses.nettyAncestor(c);
            List<Class<?>> covered = coveredByPackage().get(packageOf(c));
            if (covered == null || !covered.contains(netty)) {
                unlisted.add(c.getName() + " extends " + netty.getName());
            }
        }
        assertEquals(List.of(), unlisted,
                "add these Netty classes to the list of their package (and run them in both modes)");
    }
}

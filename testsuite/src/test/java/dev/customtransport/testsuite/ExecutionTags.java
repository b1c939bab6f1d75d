package dev.customtransport.testsuite;

/**
 * The JUnit tags that send a file's classes to a surefire execution of their own besides the default one
 * (testsuite/pom.xml). {@link TestsuiteWiringTest} checks that exactly the files running the Netty classes named
 * here carry them.
 */
public final class ExecutionTags {

    /**
     * Netty's multicast tests ({@code DatagramMulticastTest}, {@code DatagramMulticastIPv6Test}): run by the
     * {@code multicast-netns} execution, in a network namespace whose only interface is loopback, and left out of the
     * default execution when that one runs. Where it cannot (not root, no {@code unshare}), they run in the default
     * execution, skipped unless Netty's interface choice is loopback ({@code datagram.LoopbackMulticast}).
     */
    public static final String MULTICAST = "multicast";

    /**
     * Netty's tests whose cases take an {@code SslProvider} (JDK, and OpenSSL through netty-tcnative): the default
     * execution runs them with BoringSSL as "OpenSSL" (netty-tcnative-boringssl-static), the {@code openssl} execution
     * again with OpenSSL itself (netty-tcnative built against the machine's libssl), where renegotiation works.
     */
    public static final String SSL = "ssl";

    private ExecutionTags() { }
}

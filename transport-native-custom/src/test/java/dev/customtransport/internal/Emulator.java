package dev.customtransport.internal;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * What the tests must know when their JVM runs under a user-mode emulator: the linux-aarch_64 run (surefire
 * execution {@code aarch64} of the linux-x86_64 profile) is an arm64 JVM under qemu-user, and names it in
 * {@value #PROPERTY}.
 *
 * <p>qemu-user translates each system call for the host kernel, but the socket options and ioctls it has no
 * translation for it answers itself (ENOPROTOOPT, ENOSYS) before any kernel sees them, and a few it passes on but
 * copies back in part. A test of such a call checks the emulator's answer or skips, naming the emulator; the
 * x86_64 run, where the kernel answers, tests the call. Each entry below was seen with a C program run natively
 * and under qemu. Child JVMs start through {@link #java()}: the host cannot execute the arm64 JDK's {@code java}.
 *
 * <p>Under emulation the JVM also stalls for long stretches (safepoints and GC pauses of 50-100 ms were logged
 * under qemu on two shared cores): a test whose bound on a delay stands in for a correctness check has another
 * check to rely on there.
 */
public final class Emulator {
    /** The emulator the test JVM runs under ({@code qemu-user}); unset without one. */
    public static final String PROPERTY = "dev.customtransport.test.emulator";
    /** The {@code java} command of child JVMs when it is not this JVM's own (the emulation launcher). */
    public static final String JAVA_PROPERTY = "dev.customtransport.test.java";

    private static final String NAME = System.getProperty(PROPERTY, "");

    /**
     * Socket options qemu-user 7.2 (Debian 12) does not translate: setsockopt, and getsockopt but for SO_BUSY_POLL,
     * fail with ENOPROTOOPT inside qemu. Found by setting and getting every option id of {@link SocketNative} on
     * TCP and UDP sockets of both families, natively and under qemu, and comparing.
     */
    private static final Map<Integer, String> UNTRANSLATED_OPTIONS = Map.of(
            SocketNative.IP_TRANSPARENT, "IP_TRANSPARENT",
            SocketNative.IP_BIND_ADDRESS_NO_PORT, "IP_BIND_ADDRESS_NO_PORT",
            SocketNative.SO_BUSY_POLL, "SO_BUSY_POLL",
            SocketNative.IP_MULTICAST_ALL, "IP_MULTICAST_ALL",
            SocketNative.IPV6_MULTICAST_ALL, "IPV6_MULTICAST_ALL",
            SocketNative.IPV6_MULTICAST_IF, "IPV6_MULTICAST_IF",
            SocketNative.IP_RECVORIGDSTADDR, "IP_RECVORIGDSTADDR");
    /**
     * Other calls: the multicast group requests (MCAST_JOIN_GROUP and the rest: ENOPROTOOPT); the per-epoll busy poll
     * ioctl (EPIOCSPARAMS: ENOSYS); TCP_INFO, of which qemu copies back the first four bytes only (the state and
     * three counters; the rest stays zero); TCP_MD5SIG, whose struct qemu cuts to an int (EINVAL from the kernel);
     * SCM_RIGHTS truncation: qemu receives into a control buffer of its own, larger than the guest's, and the
     * descriptors that do not fit the guest's stay open in the process, never handed to it (21 of the sent file
     * open afterwards, where natively the kernel closes all but the 16 handed over).
     */
    private static final Set<String> UNTRANSLATED_CALLS =
            Set.of("MCAST_JOIN_GROUP", "EPIOCSPARAMS", "TCP_INFO", "TCP_MD5SIG", "SCM_RIGHTS truncation");

    private Emulator() { }

    /** The emulator's name, or empty when the test JVM runs natively. */
    public static String name() {
        return NAME;
    }

    /** True unless an emulator answers this {@link SocketNative} option id itself. */
    public static boolean reachesKernel(int socketOption) {
        return NAME.isEmpty() || !UNTRANSLATED_OPTIONS.containsKey(socketOption);
    }

    /** True unless an emulator answers this call (an option's name, or a call named above) itself. */
    public static boolean reachesKernel(String call) {
        return NAME.isEmpty() || !(UNTRANSLATED_OPTIONS.containsValue(call) || UNTRANSLATED_CALLS.contains(call));
    }

    /** Skips the test when the emulator answers {@code call} itself. */
    public static void assumeReachesKernel(String call) {
        Assumptions.assumeTrue(reachesKernel(call), () -> NAME + " answers " + call
                + " itself, without the kernel; the native run tests it");
    }

    /** The {@code java} that starts a child JVM like this one. */
    public static String java() {
        String java = System.getProperty(JAVA_PROPERTY, "");
        return java.isEmpty() ? Path.of(System.getProperty("java.home"), "bin", "java").toString() : java;
    }
}

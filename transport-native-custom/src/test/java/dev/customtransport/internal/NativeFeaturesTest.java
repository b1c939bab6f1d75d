package dev.customtransport.internal;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The features words after the split of the unix natives (unix.c: UnixNative, kernel.c: KernelNative): each class
 * reports only the bits of its own natives, and the builds report what they reported before the split.
 */
class NativeFeaturesTest {
    private static final int DATAGRAM_BITS = 0x01 | 0x02 | 0x04; // UDP_SEGMENT, UDP_GRO, MMSG
    private static final int UNIX_BITS = 0x10; // PEER_PID
    private static final int KERNEL_BITS = 0x08 | 0x20 | 0x40; // SPLICE, TCP_INFO, TCP_MD5SIG

    @BeforeAll
    static void load() {
        NativeLibrary.ensureLoaded();
    }

    private static int datagram() {
        int[] c = new int[DatagramNative.C_COUNT];
        DatagramNative.constants(c);
        return c[DatagramNative.C_FEATURES];
    }

    private static int unix() {
        int[] c = new int[UnixNative.C_COUNT];
        UnixNative.constants(c);
        return c[UnixNative.C_FEATURES];
    }

    private static int[] kernelConstants() {
        int[] c = new int[KernelNative.C_COUNT];
        KernelNative.constants(c);
        return c;
    }

    private static int kernel() {
        return kernelConstants()[KernelNative.C_FEATURES];
    }

    @Test
    void eachClassReportsOnlyItsOwnBits() {
        assertEquals(0, datagram() & ~DATAGRAM_BITS);
        assertEquals(0, unix() & ~UNIX_BITS);
        assertEquals(0, kernel() & ~KERNEL_BITS);
    }

    @Test
    void theBuildReportsWhatItsFilesHave() {
        boolean linux = NativeLibrary.platform().startsWith("linux-");
        boolean epoll = SystemNative.backend() == NativeLibrary.BACKEND_EPOLL;
        if (epoll) {
            // datagram_linux.c, kernel_linux.c and socket_linux.c: everything.
            assertEquals(DATAGRAM_BITS, datagram());
            assertEquals(KERNEL_BITS, kernel());
        } else {
            // datagram_bsd.c and kernel_bsd.c, on a BSD or in the kqueue emulation build.
            assertEquals(0, datagram());
            assertEquals(0, kernel());
        }
        if (linux) {
            assertEquals(UNIX_BITS, unix(), "SO_PEERCRED has the pid");
        }
    }

    @Test
    void theKeyLimitIsLinuxsEverywhere() {
        assertEquals(80, kernelConstants()[KernelNative.C_TCP_MD5SIG_MAXKEYLEN]);
        assertEquals(80, NativeFeatures.TCP_MD5SIG_MAXKEYLEN);
    }
}

package dev.customtransport.internal;

/**
 * What this build's natives can do: the capability record the library reports once (the features words of
 * {@link DatagramNative#constants}, {@link UnixNative#constants} and {@link KernelNative#constants}). The Linux
 * build has everything; the BSD build lacks what only Linux has ({@code datagram_bsd.c} and {@code kernel_bsd.c},
 * which the kqueue emulation build on Linux runs too, and the peer's pid where {@code socket_bsd.c} cannot have it).
 * The channels ask here before offering a feature, and say "not supported on this platform" naming the feature and
 * {@link #platform()} instead of failing later or silently.
 */
public final class NativeFeatures {
    // The bits of the features words (transport.h, CT_F_*).
    private static final int F_UDP_SEGMENT = 0x01;
    private static final int F_UDP_GRO = 0x02;
    private static final int F_MMSG = 0x04;
    private static final int F_SPLICE = 0x08;
    private static final int F_PEER_PID = 0x10;
    private static final int F_TCP_INFO = 0x20;
    private static final int F_TCP_MD5SIG = 0x40;

    private static final int DATAGRAM;
    private static final int UNIX;
    private static final int KERNEL;
    private static final int MD5SIG_MAXKEYLEN;
    private static final String PLATFORM;

    static {
        NativeLibrary.ensureLoaded();
        int[] d = new int[DatagramNative.C_COUNT];
        DatagramNative.constants(d);
        DATAGRAM = d[DatagramNative.C_FEATURES];
        int[] u = new int[UnixNative.C_COUNT];
        UnixNative.constants(u);
        UNIX = u[UnixNative.C_FEATURES];
        int[] k = new int[KernelNative.C_COUNT];
        KernelNative.constants(k);
        KERNEL = k[KernelNative.C_FEATURES];
        MD5SIG_MAXKEYLEN = k[KernelNative.C_TCP_MD5SIG_MAXKEYLEN];
        boolean emulated = NativeLibrary.platform().startsWith("linux-")
                && SystemNative.backend() == NativeLibrary.BACKEND_KQUEUE;
        PLATFORM = NativeLibrary.platform() + (emulated ? ", kqueue emulation build with the BSD natives" : "");
    }

    /** UDP GSO: a {@code SegmentedDatagramPacket} can be sent (the kernel must have UDP_SEGMENT too). */
    public static final boolean UDP_SEGMENT = (DATAGRAM & F_UDP_SEGMENT) != 0;
    /** UDP GRO: coalesced datagrams are reported with their segment size, so UDP_GRO may be turned on. */
    public static final boolean UDP_GRO = (DATAGRAM & F_UDP_GRO) != 0;
    /** Datagram batches are one kernel call (sendmmsg/recvmmsg); otherwise a loop inside one native call. */
    public static final boolean DATAGRAM_BATCH_SYSCALLS = (DATAGRAM & F_MMSG) != 0;
    /** splice(2), behind {@code CustomSocketChannel.spliceTo}. */
    public static final boolean SPLICE = (KERNEL & F_SPLICE) != 0;
    /** Peer credentials include the peer's pid (otherwise it is reported as 0). */
    public static final boolean PEER_PID = (UNIX & F_PEER_PID) != 0;
    /** TCP_INFO, behind {@code CustomSocketChannel.tcpInfo()}. */
    public static final boolean TCP_INFO = (KERNEL & F_TCP_INFO) != 0;
    /** Per-peer TCP_MD5SIG keys. */
    public static final boolean TCP_MD5SIG = (KERNEL & F_TCP_MD5SIG) != 0;
    /** The longest TCP_MD5SIG key; a longer one is refused before the native is called. */
    public static final int TCP_MD5SIG_MAXKEYLEN = MD5SIG_MAXKEYLEN;

    private NativeFeatures() { }

    /** The platform the library was built for, as messages name it, e.g. {@code "osx-aarch_64"}. */
    public static String platform() {
        return PLATFORM;
    }
}

package dev.customtransport.internal;

/**
 * What this build's datagram and unix natives can do: the capability record the library reports once (the
 * features word of {@link DatagramNative#constants} and {@link UnixNative#constants}). The Linux build has
 * everything; the BSD build ({@code datagram_bsd.c}, {@code unix_bsd.c}, also what the kqueue emulation build on
 * Linux runs) lacks what only Linux has. The channels ask here before offering a feature, and say "not supported
 * on this platform" naming the feature and {@link #platform()} instead of failing later or silently.
 */
public final class NativeFeatures {
    // The bits of the features word (transport.h, CT_F_*).
    private static final int F_UDP_SEGMENT = 0x01;
    private static final int F_UDP_GRO = 0x02;
    private static final int F_MMSG = 0x04;
    private static final int F_SPLICE = 0x08;
    private static final int F_PEER_PID = 0x10;
    private static final int F_TCP_INFO = 0x20;
    private static final int F_TCP_MD5SIG = 0x40;

    private static final int DATAGRAM;
    private static final int UNIX;
    private static final String PLATFORM;

    static {
        NativeLibrary.ensureLoaded();
        int[] d = new int[DatagramNative.C_COUNT];
        DatagramNative.constants(d);
        DATAGRAM = d[DatagramNative.C_FEATURES];
        int[] u = new int[UnixNative.C_COUNT];
        UnixNative.constants(u);
        UNIX = u[UnixNative.C_FEATURES];
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
    public static final boolean SPLICE = (UNIX & F_SPLICE) != 0;
    /** Peer credentials include the peer's pid (otherwise it is reported as 0). */
    public static final boolean PEER_PID = (UNIX & F_PEER_PID) != 0;
    /** TCP_INFO, behind {@code CustomSocketChannel.tcpInfo()}. */
    public static final boolean TCP_INFO = (UNIX & F_TCP_INFO) != 0;
    /** Per-peer TCP_MD5SIG keys. */
    public static final boolean TCP_MD5SIG = (UNIX & F_TCP_MD5SIG) != 0;

    private NativeFeatures() { }

    /** The platform the library was built for, as messages name it, e.g. {@code "osx-aarch_64"}. */
    public static String platform() {
        return PLATFORM;
    }
}

package dev.customtransport;

import dev.customtransport.internal.NativeLibrary;

/**
 * Whether this transport can be used in the running JVM: its native library is found in the jar for this OS and
 * architecture, extracted, loaded and registered. The probe runs once, the first time this class is used; its
 * failure is kept and explained (which file was looked for, which OS, architecture and C library were found).
 *
 * <p>Pick this transport when it is available and fall back to NIO otherwise:
 * <pre>{@code
 * IoHandlerFactory ioHandler;
 * Class<? extends ServerChannel> serverChannel;
 * if (Custom.isAvailable()) {
 *     ioHandler = CustomIoHandler.newFactory();
 *     serverChannel = CustomServerSocketChannel.class;
 * } else {
 *     logger.info("transport-native-custom unavailable, using NIO", Custom.unavailabilityCause());
 *     ioHandler = NioIoHandler.newFactory();
 *     serverChannel = NioServerSocketChannel.class;
 * }
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(ioHandler);
 * new ServerBootstrap().group(group).channel(serverChannel).childHandler(...).bind(8080);
 * }</pre>
 *
 * <p>Or insist on it, and fail at start-up with the reason:
 * <pre>{@code
 * Custom.ensureAvailability();
 * }</pre>
 *
 * <p>System properties: {@code -Ddev.customtransport.disabled=true} turns the transport off (it then reports
 * itself unavailable); {@code -Ddev.customtransport.native.library=/path/to/lib.so} loads that file instead of the
 * jar's; {@code -Ddev.customtransport.native.workdir=/dir} is where the jar's library is extracted (default
 * {@code java.io.tmpdir}; it must not be mounted {@code noexec}). On JDK 24 and later, allow native access with
 * {@code --enable-native-access=ALL-UNNAMED} (or the module name) to avoid the JVM's warning.
 */
public final class Custom {
    private static final Throwable UNAVAILABILITY_CAUSE = NativeLibrary.unavailabilityCause();

    private Custom() { }

    /** True if the native library is loaded and this transport can be used. */
    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /** Why this transport cannot be used, or {@code null} if it can. */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    /**
     * True if the kernel lets clients send data in the SYN ({@code /proc/sys/net/ipv4/tcp_fastopen} has bit 0x1), so
     * {@code ChannelOption.TCP_FASTOPEN_CONNECT} on a {@link CustomSocketChannel} takes effect.
     */
    public static boolean isTcpFastOpenClientSideAvailable() {
        return isAvailable() && TcpFastOpen.CLIENT;
    }

    /**
     * True if the kernel lets servers accept data in the SYN ({@code /proc/sys/net/ipv4/tcp_fastopen} has bit 0x2),
     * so {@code ChannelOption.TCP_FASTOPEN} on a {@link CustomServerSocketChannel} takes effect. When it is off, the
     * option is still applied to the socket (the kernel accepts it) and a warning says it has no effect.
     */
    public static boolean isTcpFastOpenServerSideAvailable() {
        return isAvailable() && TcpFastOpen.SERVER;
    }

    /**
     * Returns normally if this transport can be used.
     *
     * @throws UnsatisfiedLinkError if it cannot, with {@link #unavailabilityCause()} as its cause
     */
    public static void ensureAvailability() {
        if (UNAVAILABILITY_CAUSE != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(
                    "transport-native-custom is not available: " + UNAVAILABILITY_CAUSE.getMessage());
            e.initCause(UNAVAILABILITY_CAUSE);
            throw e;
        }
    }
}

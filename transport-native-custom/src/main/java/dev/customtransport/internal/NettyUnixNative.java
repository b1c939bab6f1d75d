package dev.customtransport.internal;

/**
 * The native of {@code src/main/c/netty_unix.c}: binds our implementations of the natives of Netty's unix types, one
 * method at a time, so that whatever a Netty 4.2.x release declares is served and nothing it lacks is asked for.
 * See {@link NettyUnix}.
 */
final class NettyUnixNative {
    private NettyUnixNative() { }

    // The tables of netty_unix.c (ct_netty_tables), in its order.
    static final int TABLE_FILE_DESCRIPTOR = 0;
    static final int TABLE_ERRORS = 1;
    static final int TABLE_LIMITS = 2;
    static final int TABLE_BUFFER = 3;

    /** {@link #bind}: the method is bound. */
    static final int BOUND = 0;
    /** {@link #bind}: the library has no implementation of that name and signature. */
    static final int NOT_IMPLEMENTED = 1;

    /**
     * Registers our implementation of the native {@code name} (JNI {@code signature}) of {@code owner}, found in
     * table {@code table}: {@link #BOUND}, {@link #NOT_IMPLEMENTED}, -EINVAL for a bad argument, or -1 with the
     * {@link NoSuchMethodError} of RegisterNatives thrown.
     */
    static native int bind(Class<?> owner, int table, String name, String signature);
}

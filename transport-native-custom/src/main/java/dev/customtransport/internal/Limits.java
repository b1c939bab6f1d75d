package dev.customtransport.internal;

/** Limits of the running OS, read once from the native library. */
public final class Limits {
    private Limits() { }

    public static final int IOV_MAX;
    public static final int SIZEOF_IOVEC;
    public static final int SUN_PATH_SIZE;
    public static final long SSIZE_MAX = Long.MAX_VALUE;

    static {
        NativeLibrary.ensureLoaded();
        int[] l = new int[SocketNative.L_COUNT];
        SocketNative.limits(l);
        IOV_MAX = l[SocketNative.L_IOV_MAX];
        SIZEOF_IOVEC = l[SocketNative.L_SIZEOF_IOVEC];
        SUN_PATH_SIZE = l[SocketNative.L_SUN_PATH_SIZE];
        if (SIZEOF_IOVEC != 16) {
            // IovArray writes two 64-bit words per entry.
            throw new ExceptionInInitializerError("unsupported struct iovec size " + SIZEOF_IOVEC + " (need LP64)");
        }
    }
}

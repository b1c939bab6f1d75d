package dev.customtransport.internal;

/**
 * The errno values of the running OS, read once from the native library (their numbers differ between Linux and
 * the BSDs, so none is hard-coded). The order of {@link #NAMES} is the order {@code system.c} writes them in.
 */
public final class Errno {
    private Errno() { }

    static final String[] NAMES = {
        "EAGAIN", "EWOULDBLOCK", "EBADF", "ENOTCONN", "ECONNREFUSED", "ECONNRESET", "EPIPE", "EINPROGRESS",
        "EALREADY", "EISCONN", "ENETUNREACH", "EHOSTUNREACH", "EINTR", "ENOENT", "EMFILE", "ENFILE", "ENOBUFS",
        "ENOMEM", "ETIMEDOUT", "EADDRINUSE", "EADDRNOTAVAIL", "ECONNABORTED", "EINVAL", "EOPNOTSUPP",
        "ENOPROTOOPT", "ENOSYS", "EPERM", "EACCES", "ENOTSOCK", "EFAULT", "EMSGSIZE", "EAFNOSUPPORT", "ENOTDIR",
        "EEXIST", "ESHUTDOWN", "EPROTOTYPE", "ENAMETOOLONG",
    };

    private static final int[] VALUES = new int[NAMES.length];

    static {
        NativeLibrary.ensureLoaded();
        SystemNative.errnoValues(VALUES);
    }

    public static final int EAGAIN = VALUES[0];
    public static final int EWOULDBLOCK = VALUES[1];
    public static final int EBADF = VALUES[2];
    public static final int ENOTCONN = VALUES[3];
    public static final int ECONNREFUSED = VALUES[4];
    public static final int ECONNRESET = VALUES[5];
    public static final int EPIPE = VALUES[6];
    public static final int EINPROGRESS = VALUES[7];
    public static final int EALREADY = VALUES[8];
    public static final int EISCONN = VALUES[9];
    public static final int ENETUNREACH = VALUES[10];
    public static final int EHOSTUNREACH = VALUES[11];
    public static final int EINTR = VALUES[12];
    public static final int ENOENT = VALUES[13];
    public static final int EMFILE = VALUES[14];
    public static final int ENFILE = VALUES[15];
    public static final int ENOBUFS = VALUES[16];
    public static final int ENOMEM = VALUES[17];
    public static final int ETIMEDOUT = VALUES[18];
    public static final int EADDRINUSE = VALUES[19];
    public static final int EADDRNOTAVAIL = VALUES[20];
    public static final int ECONNABORTED = VALUES[21];
    public static final int EINVAL = VALUES[22];
    public static final int EOPNOTSUPP = VALUES[23];
    public static final int ENOPROTOOPT = VALUES[24];
    public static final int ENOSYS = VALUES[25];
    public static final int EPERM = VALUES[26];
    public static final int EACCES = VALUES[27];
    public static final int ENOTSOCK = VALUES[28];
    public static final int EFAULT = VALUES[29];
    public static final int EMSGSIZE = VALUES[30];
    public static final int EAFNOSUPPORT = VALUES[31];
    public static final int ENOTDIR = VALUES[32];
    public static final int EEXIST = VALUES[33];
    public static final int ESHUTDOWN = VALUES[34];
    public static final int EPROTOTYPE = VALUES[35];
    public static final int ENAMETOOLONG = VALUES[36];

    /** The symbolic name of a positive errno, or {@code "errno N"}. */
    public static String name(int errno) {
        for (int i = 0; i < VALUES.length; i++) {
            if (VALUES[i] == errno) {
                return NAMES[i];
            }
        }
        return "errno " + errno;
    }

    /** The OS's description of a positive errno. */
    public static String describe(int errno) {
        return SystemNative.strerror(errno);
    }
}

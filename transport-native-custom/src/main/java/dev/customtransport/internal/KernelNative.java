package dev.customtransport.internal;

/**
 * The natives of {@code src/main/c/kernel.c}: the calls that reach past portable sockets into the kernel's own
 * interfaces, options in the kernel's struct layouts (raw getsockopt/setsockopt, TCP_INFO, TCP_MD5SIG) and
 * splice(2) with its pipes. Not "Linux": every build has them, and raw options and pipes work everywhere; what a
 * kernel lacks (splice, Linux's TCP_INFO layout, per-peer TCP_MD5SIG keys on the BSDs) returns -EOPNOTSUPP and is
 * absent from the features word (see {@link NativeFeatures}). Each call is one syscall and returns its result or
 * {@code -errno}.
 */
final class KernelNative {
    private KernelNative() { }

    // Indexes into the array filled by constants(int[]).
    static final int C_TCP_MD5SIG_MAXKEYLEN = 0;
    /** What this build can do (see {@link NativeFeatures}). */
    static final int C_FEATURES = 1;
    static final int C_COUNT = 2;

    static native void constants(int[] out);

    /** splice(2) with SPLICE_F_NONBLOCK | SPLICE_F_MOVE; an offset below 0 means the descriptor's position. */
    static native int splice(int fdIn, long offIn, int fdOut, long offOut, int len);

    /** A non-blocking, close-on-exec pipe (pipe2 where there is one): {@code out = {read end, write end}}. */
    static native int pipe(int[] out);

    /** getsockopt into native memory: the length written, or -errno. */
    static native int getRawOption(int fd, int level, int optname, long address, int length);

    /** setsockopt from native memory. */
    static native int setRawOption(int fd, int level, int optname, long address, int length);

    /** TCP_INFO into {@code out[32]}, in {@link dev.customtransport.CustomTcpInfo}'s order. */
    static native int tcpInfo(int fd, long[] out);

    /** TCP_MD5SIG for one peer address (4 or 16 bytes); a null or empty key removes it. */
    static native int setTcpMd5Sig(int fd, byte[] ip, int scopeId, byte[] key);
}

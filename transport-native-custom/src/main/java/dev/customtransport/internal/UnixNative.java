package dev.customtransport.internal;

/**
 * The natives of {@code src/main/c/unix_linux.c} ({@code unix_bsd.c} on macOS and FreeBSD): descriptor passing and
 * credentials on Unix domain sockets, splice and pipes, and options whose values are structs. Each call is one
 * syscall and returns its result or {@code -errno}; what a build lacks (see {@link NativeFeatures}) returns
 * -EOPNOTSUPP.
 */
final class UnixNative {
    private UnixNative() { }

    // Indexes into the array filled by constants(int[]).
    static final int C_MAX_FDS = 0;
    static final int C_MSG_CTRUNC = 1;
    static final int C_TCP_MD5SIG_MAXKEYLEN = 2;
    /** What this build can do (see {@link NativeFeatures}). */
    static final int C_FEATURES = 3;
    static final int C_COUNT = 4;

    static native void constants(int[] out);

    /** sendmsg of one byte carrying {@code fd} (SCM_RIGHTS): 1 or -errno. */
    static native int sendFd(int socketFd, int fd);

    /**
     * recvmsg of one byte with room for {@code C_MAX_FDS} descriptors, made close-on-exec: bytes received (0 at the
     * end of the stream) or -errno. {@code out[0]} = descriptors received, {@code out[1]} = msg_flags,
     * {@code out[2..]} = the descriptors, now the caller's to close. {@code out} has {@code 2 + C_MAX_FDS} slots.
     */
    static native int recvFds(int socketFd, int[] out);

    /** SO_PEERCRED (LOCAL_PEERCRED on the BSDs): {@code out = {pid, uid, gid}}; pid 0 where the system does not say. */
    static native int peerCredentials(int fd, int[] out);

    /** splice(2) with SPLICE_F_NONBLOCK | SPLICE_F_MOVE; an offset below 0 means the descriptor's position. */
    static native int splice(int fdIn, long offIn, int fdOut, long offOut, int len);

    /** pipe2(O_NONBLOCK | O_CLOEXEC): {@code out = {read end, write end}}. */
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

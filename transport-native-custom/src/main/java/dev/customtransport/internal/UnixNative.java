package dev.customtransport.internal;

/**
 * The natives of {@code src/main/c/unix.c}: what Unix domain sockets add to plain sockets, descriptor passing and
 * the peer's credentials. Each call is one syscall and returns its result or {@code -errno}.
 */
final class UnixNative {
    private UnixNative() { }

    // Indexes into the array filled by constants(int[]).
    static final int C_MAX_FDS = 0;
    static final int C_MSG_CTRUNC = 1;
    /** What this build can do (see {@link NativeFeatures}). */
    static final int C_FEATURES = 2;
    static final int C_COUNT = 3;

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
}

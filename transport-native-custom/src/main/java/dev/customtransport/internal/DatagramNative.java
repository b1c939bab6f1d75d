package dev.customtransport.internal;

/**
 * The datagram natives ({@code src/main/c/datagram.c}, over {@code datagram_linux.c}'s sendmmsg/recvmmsg on Linux
 * and {@code datagram_bsd.c}'s loops of sendmsg/recvmsg with the same contract on macOS and FreeBSD). Each call is one syscall (or one
 * batch) and returns its result or {@code -errno}. Messages live in native memory with the fixed layout below (see {@link MessageArray}); the
 * kernel reads and writes them in place, so a batch of any size costs one JNI call and no Java objects.
 */
final class DatagramNative {
    private DatagramNative() { }

    // struct ct_msg, as datagram.h defines it (its static asserts pin these numbers).
    static final int MSG_IOV = 0;
    static final int MSG_IOVCNT = 8;
    static final int MSG_SEGMENT = 12;
    static final int MSG_ADDR_LEN = 16;
    static final int MSG_RESULT = 20;
    static final int MSG_FLAGS = 24;
    static final int MSG_LOCAL_LEN = 28;
    static final int MSG_ADDR = 32;
    static final int MSG_LOCAL = 144;
    static final int MSG_ADDR_MAX = 112;

    // Indexes into the array filled by constants(int[]).
    static final int C_MSG_SIZE = 0;
    static final int C_BATCH_MAX = 1;
    static final int C_MSG_TRUNC = 2;
    static final int C_MSG_CTRUNC = 3;
    /** What this build can do (see {@link NativeFeatures}). */
    static final int C_FEATURES = 4;
    static final int C_COUNT = 5;

    static native void constants(int[] out);

    /** sendmsg(2) of the message at {@code msgAddress}: bytes sent or -errno (-EOPNOTSUPP: GSO on a build without). */
    static native int sendmsg(int fd, long msgAddress);

    /**
     * sendmmsg(2) of {@code count} consecutive messages: how many were sent, or -errno when the first one failed
     * (an error after that ends the batch early and is not reported).
     */
    static native int sendmmsg(int fd, long msgsAddress, int count);

    /** recvmsg(2) into the message at {@code msgAddress}: bytes received (also in its result field) or -errno. */
    static native int recvmsg(int fd, long msgAddress);

    /** recvmmsg(2) into {@code count} consecutive messages: how many were filled, or -errno when none was. */
    static native int recvmmsg(int fd, long msgsAddress, int count);

    /** connect(AF_UNSPEC): ends the association of a connected datagram socket. */
    static native int disconnect(int fd);

    /**
     * MCAST_JOIN_GROUP / MCAST_LEAVE_GROUP, or the _SOURCE_ variants when {@code source} is not null, on interface
     * {@code ifindex} (0: chosen by route). Addresses are 4 or 16 bytes; the level follows the group's family.
     */
    static native int membership(int fd, boolean join, byte[] group, byte[] source, int ifindex);

    /** IP_MULTICAST_IF with struct ip_mreqn. */
    static native int setMulticastIf4(int fd, byte[] address, int ifindex);

    /** IP_MULTICAST_IF's address into {@code out[0..4)}. */
    static native int getMulticastIf4(int fd, byte[] out);
}

/*
 * The internal contract of the JNI layer: what each C file gives jni_onload.c to register, and the one macro
 * that turns a failed call into the value the Java side expects.
 *
 * Every native follows the same convention: one syscall (or one batch syscall) on primitive arguments, returning
 * the result (>= 0) or -errno. Nothing here creates Java objects or calls Java methods on the hot path.
 */
#ifndef CT_TRANSPORT_H
#define CT_TRANSPORT_H

#include <errno.h>
#include <stdint.h>
#include <jni.h>

/* The natives of one Java class, named relative to the (possibly shaded) package prefix. */
struct ct_natives {
    const char *class_name;           /* e.g. "dev/customtransport/internal/SocketNative" */
    const JNINativeMethod *methods;
    jint count;
};

/* system.c: SystemNative. */
extern const struct ct_natives ct_system_natives;
/* socket.c: SocketNative (sockets, addresses, I/O, options through sockopt.h). */
extern const struct ct_natives ct_socket_natives;
/* datagram.c: DatagramNative (message arrays, batches, multicast), over the per-OS steps of datagram.h. */
extern const struct ct_natives ct_datagram_natives;
/* unix.c: UnixNative (what Unix domain sockets add: descriptor passing, peer credentials). */
extern const struct ct_natives ct_unix_natives;
/* kernel.c: KernelNative (raw options, TCP_INFO, TCP_MD5SIG, splice and its pipes), over the natives of kernel.h. */
extern const struct ct_natives ct_kernel_natives;
/* netty_unix.c: NettyUnixNative, which binds our natives of Netty's unix types one method at a time. */
extern const struct ct_natives ct_netty_unix_natives;
/* The poller backend's table (ct_poller_natives) is in poller.h, with the rest of that contract. */

/* system.c: strerror_r's text for `err` as a Java string (ASCII only), for the natives that return one. */
jstring ct_strerror_string(JNIEnv *env, int err);

/*
 * What a build's natives can do, as the bits of the features words that the constants() of DatagramNative,
 * UnixNative and KernelNative report (Java: NativeFeatures). A call to a missing one returns -EOPNOTSUPP.
 */
#define CT_F_UDP_SEGMENT 0x01 /* sendmsg takes a UDP_SEGMENT size (GSO) */
#define CT_F_UDP_GRO 0x02     /* recvmsg reports the UDP_GRO segment size of a coalesced datagram */
#define CT_F_MMSG 0x04        /* sendmmsg/recvmmsg are one kernel call each (otherwise a loop in the native) */
#define CT_F_SPLICE 0x08      /* splice(2) */
#define CT_F_PEER_PID 0x10    /* peerCredentials knows the peer's pid */
#define CT_F_TCP_INFO 0x20    /* tcpInfo */
#define CT_F_TCP_MD5SIG 0x40  /* setTcpMd5Sig */

/* What a native returns for a syscall's result: the result itself, or -errno when the call failed (-1). */
static inline jlong ct_result(jlong res) {
    return res < 0 ? -(jlong) errno : res;
}

/* Returns -errno from the enclosing native if a syscall's result says it failed. */
#define CT_RETURN_IF_FAILED(res) do { if ((res) < 0) { return -errno; } } while (0)

/* A Java long carrying a native address. */
#define CT_PTR(address) ((void *) (intptr_t) (address))

#define CT_ARRAY_LENGTH(a) ((jint) (sizeof(a) / sizeof((a)[0])))

#endif /* CT_TRANSPORT_H */

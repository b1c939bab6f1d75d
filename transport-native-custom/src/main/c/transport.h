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

/* errors.c: SystemNative. */
extern const struct ct_natives ct_system_natives;
/* socket.c: SocketNative (sockets, addresses, I/O, options through sockopt.h). */
extern const struct ct_natives ct_socket_natives;
/* datagram_linux.c: DatagramNative (message arrays, sendmmsg/recvmmsg, multicast). */
extern const struct ct_natives ct_datagram_natives;
/* unix_linux.c: UnixNative (descriptor passing, credentials, splice, struct options). */
extern const struct ct_natives ct_unix_natives;

/* netty_unix.c: binds our natives of Netty's unix types (FileDescriptor, Errors, Limits); UnixNative's
 * registerNettyUnix. */
jint ct_register_netty_unix(JNIEnv *env, jclass clazz, jclass fd_class, jclass errors_class, jclass limits_class);
/* errors.c: strerror_r's text for `err` as a Java string (ASCII only), for the natives that return one. */
jstring ct_strerror_string(JNIEnv *env, int err);

/* poller_epoll.c | poller_kqueue.c, see poller.h. */
extern const struct ct_natives ct_poller_natives;

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

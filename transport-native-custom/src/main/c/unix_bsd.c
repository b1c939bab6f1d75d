/*
 * UnixNative (macOS, FreeBSD): descriptor passing, peer credentials, pipes and raw options in POSIX calls, with
 * the same natives and contract as unix_linux.c. Linux builds it too when the kqueue backend is emulated
 * (build.sh), so that the BSD code runs the test suite there.
 *
 * What the BSDs lack is -EOPNOTSUPP, and absent from the features word of constants() (Java: NativeFeatures), so
 * the Java side can say so before calling: splice(2) (Linux's), TCP_INFO in Linux's layout (FreeBSD's struct
 * differs and macOS has TCP_CONNECTION_INFO instead), and per-peer TCP_MD5SIG keys (FreeBSD's TCP_MD5SIG is a
 * flag whose keys live in the IPsec key database; macOS has none).
 */
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__DragonFly__)
#include <sys/param.h>
#include <sys/ucred.h>
#endif

#include "fdpass.h"
#include "sockos.h"
#include "transport.h"

/* Where the peer's pid can be had: Linux's SO_PEERCRED, macOS's LOCAL_PEERPID, FreeBSD 13's xucred.cr_pid. */
#if defined(LOCAL_PEERCRED) && defined(LOCAL_PEERPID)
#define CT_PEER_PID_FEATURE CT_F_PEER_PID
#elif defined(LOCAL_PEERCRED) && defined(__FreeBSD__) && __FreeBSD_version >= 1300000
#define CT_PEER_PID_FEATURE CT_F_PEER_PID
#elif !defined(LOCAL_PEERCRED) && defined(SO_PEERCRED)
#define CT_PEER_PID_FEATURE CT_F_PEER_PID
#else
#define CT_PEER_PID_FEATURE 0
#endif

#ifndef SOL_LOCAL
#define SOL_LOCAL 0 /* the level of LOCAL_PEERCRED / LOCAL_PEERPID (unix(4)) */
#endif

/* Linux's limit (unix_linux.c); Java reads it from constants() and refuses longer keys before calling. */
#define CT_TCP_MD5SIG_MAXKEYLEN 80

/*
 * The peer's credentials into out[0..2] = pid, uid, gid; pid 0 where the system does not say (the features word
 * lacks CT_F_PEER_PID then). BSDs: LOCAL_PEERCRED gives a struct xucred (uid, and the effective gid as the first
 * group) taken when the peer connected, or for a connected client the listener's when it called listen(2);
 * macOS adds LOCAL_PEERPID, FreeBSD 13 cr_pid in the xucred. Linux (emulation build): SO_PEERCRED.
 */
static jint ct_peer_credentials(JNIEnv *env, jclass clazz, jint fd, jintArray out) {
    (void) clazz;
    jint values[3] = { 0, 0, 0 };
#if defined(LOCAL_PEERCRED)
    struct xucred cred;
    socklen_t len = sizeof(cred);
    memset(&cred, 0, sizeof(cred));
    CT_RETURN_IF_FAILED(getsockopt(fd, SOL_LOCAL, LOCAL_PEERCRED, &cred, &len));
    if (cred.cr_version != XUCRED_VERSION || cred.cr_ngroups < 1) {
        return -EPROTO;
    }
    values[1] = (jint) cred.cr_uid;
    values[2] = (jint) cred.cr_groups[0];
#if defined(LOCAL_PEERPID)
    pid_t pid = 0;
    len = sizeof(pid);
    CT_RETURN_IF_FAILED(getsockopt(fd, SOL_LOCAL, LOCAL_PEERPID, &pid, &len));
    values[0] = (jint) pid;
#elif defined(__FreeBSD__) && __FreeBSD_version >= 1300000
    values[0] = (jint) cred.cr_pid;
#endif
#elif defined(SO_PEERCRED)
    struct ucred cred;
    socklen_t len = sizeof(cred);
    CT_RETURN_IF_FAILED(getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len));
    values[0] = (jint) cred.pid;
    values[1] = (jint) cred.uid;
    values[2] = (jint) cred.gid;
#else
    (void) fd;
    return -EOPNOTSUPP;
#endif
    if (out == NULL || (*env)->GetArrayLength(env, out) < 3) {
        return -EINVAL;
    }
    (*env)->SetIntArrayRegion(env, out, 0, 3, values);
    return 0;
}

/* --- pipes, and what only Linux has ----------------------------------------------------------------------------- */

static jint ct_splice(JNIEnv *env, jclass clazz, jint fd_in, jlong off_in, jint fd_out, jlong off_out, jint len) {
    (void) env; (void) clazz; (void) fd_in; (void) off_in; (void) fd_out; (void) off_out; (void) len;
    return -EOPNOTSUPP; /* splice(2) is Linux's */
}

/* A non-blocking, close-on-exec pipe into out[0] (read end), out[1] (write end). */
static jint ct_pipe(JNIEnv *env, jclass clazz, jintArray out) {
    (void) clazz;
    int fds[2];
    if (out == NULL || (*env)->GetArrayLength(env, out) < 2) {
        return -EINVAL;
    }
    int rc = ct_os_pipe(fds);
    if (rc < 0) {
        return rc;
    }
    jint values[2] = { fds[0], fds[1] };
    (*env)->SetIntArrayRegion(env, out, 0, 2, values);
    return 0;
}

static jint ct_tcp_info(JNIEnv *env, jclass clazz, jint fd, jlongArray out) {
    (void) env; (void) clazz; (void) fd; (void) out;
    return -EOPNOTSUPP;
}

static jint ct_set_tcp_md5sig(JNIEnv *env, jclass clazz, jint fd, jbyteArray ip, jint scope_id, jbyteArray key) {
    (void) env; (void) clazz; (void) fd; (void) ip; (void) scope_id; (void) key;
    return -EOPNOTSUPP;
}

/* --- options with struct values ------------------------------------------------------------------------------- */

/* getsockopt(level, name) into `length` bytes of native memory: the length the kernel wrote, or -errno. */
static jint ct_get_raw_option(JNIEnv *env, jclass clazz, jint fd, jint level, jint name, jlong address, jint length) {
    (void) env; (void) clazz;
    if (length < 0) {
        return -EINVAL;
    }
    socklen_t len = (socklen_t) length;
    CT_RETURN_IF_FAILED(getsockopt(fd, level, name, CT_PTR(address), &len));
    return (jint) len;
}

static jint ct_set_raw_option(JNIEnv *env, jclass clazz, jint fd, jint level, jint name, jlong address, jint length) {
    (void) env; (void) clazz;
    if (length < 0) {
        return -EINVAL;
    }
    return (jint) ct_result(setsockopt(fd, level, name, CT_PTR(address), (socklen_t) length));
}

static void ct_unix_constants(JNIEnv *env, jclass clazz, jintArray out) {
    (void) clazz;
    const jint values[] = {
        CT_MAX_FDS_PER_MESSAGE, MSG_CTRUNC, CT_TCP_MD5SIG_MAXKEYLEN,
        CT_PEER_PID_FEATURE, /* features: no splice, TCP_INFO or TCP_MD5SIG */
    };
    (*env)->SetIntArrayRegion(env, out, 0, CT_ARRAY_LENGTH(values), values);
}

static const JNINativeMethod ct_unix_methods[] = {
    { "constants", "([I)V", (void *) ct_unix_constants },
    { "sendFd", "(II)I", (void *) ct_send_fd },
    { "recvFds", "(I[I)I", (void *) ct_recv_fds },
    { "peerCredentials", "(I[I)I", (void *) ct_peer_credentials },
    { "splice", "(IJIJI)I", (void *) ct_splice },
    { "pipe", "([I)I", (void *) ct_pipe },
    { "getRawOption", "(IIIJI)I", (void *) ct_get_raw_option },
    { "setRawOption", "(IIIJI)I", (void *) ct_set_raw_option },
    { "tcpInfo", "(I[J)I", (void *) ct_tcp_info },
    { "setTcpMd5Sig", "(I[BI[B)I", (void *) ct_set_tcp_md5sig },
};

const struct ct_natives ct_unix_natives = {
    "dev/customtransport/internal/UnixNative", ct_unix_methods, CT_ARRAY_LENGTH(ct_unix_methods),
};

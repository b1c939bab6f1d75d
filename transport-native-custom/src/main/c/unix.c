/*
 * UnixNative: what Unix domain sockets add to plain sockets, descriptor passing (SCM_RIGHTS) and the peer's
 * credentials. Plain POSIX but for the credentials call, whose form differs per OS (sockos.h). Every native is one
 * syscall and returns its result or -errno.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include "faults.h"
#include "sockos.h"
#include "transport.h"

/* The most descriptors one received message may carry here; more are reported with MSG_CTRUNC. */
#define CT_MAX_FDS_PER_MESSAGE 16

/*
 * MSG_CMSG_CLOEXEC (Linux, FreeBSD 10+) marks received descriptors close-on-exec atomically. macOS has no such
 * flag: the descriptors are marked with fcntl right after recvmsg returns. The kqueue emulation build takes that
 * macOS path on purpose, so that it is the one the tests run.
 */
#if defined(MSG_CMSG_CLOEXEC) && !defined(CT_KQUEUE_EMULATION)
#define CT_RECV_CLOEXEC MSG_CMSG_CLOEXEC
#else
#define CT_RECV_CLOEXEC 0
#endif

/* sendmsg of one byte carrying `fd` as SCM_RIGHTS: 1, or -errno. */
static jint ct_send_fd(JNIEnv *env, jclass clazz, jint socket_fd, jint fd) {
    (void) env; (void) clazz;
    char data = 0;
    struct iovec iov = { &data, 1 };
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof(control));
    struct msghdr hdr;
    memset(&hdr, 0, sizeof(hdr));
    hdr.msg_iov = &iov;
    hdr.msg_iovlen = 1;
    hdr.msg_control = control.buf;
    hdr.msg_controllen = sizeof(control.buf);
    struct cmsghdr *cm = CMSG_FIRSTHDR(&hdr);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    int value = fd;
    memcpy(CMSG_DATA(cm), &value, sizeof(value));
    ssize_t n;
    CT_RESTART(n, ct_sys_sendmsg(socket_fd, &hdr, CT_SEND_FLAGS));
    return (jint) ct_result(n);
}

/*
 * recvmsg of one byte with room for CT_MAX_FDS_PER_MESSAGE descriptors, each made close-on-exec. Returns the
 * bytes received (0 at the end of the stream) or -errno; out[0] = the number of descriptors received, out[1] =
 * the msg_flags (MSG_CTRUNC: some were dropped), out[2..] = the descriptors, which the caller now owns.
 *
 * Without MSG_CMSG_CLOEXEC (macOS) there is a window between recvmsg and fcntl in which another thread's
 * fork+exec would hand the new descriptors to the child. The JDK's process launcher closes descriptors it was
 * not asked to pass on in the child, which covers Java's own Runtime.exec/ProcessBuilder; a native library that
 * forks in that window is not covered.
 */
static jint ct_recv_fds(JNIEnv *env, jclass clazz, jint socket_fd, jintArray out) {
    (void) clazz;
    if (out == NULL || (*env)->GetArrayLength(env, out) < 2 + CT_MAX_FDS_PER_MESSAGE) {
        return -EINVAL;
    }
    char data;
    struct iovec iov = { &data, 1 };
    union {
        char buf[CMSG_SPACE(sizeof(int) * CT_MAX_FDS_PER_MESSAGE)];
        struct cmsghdr align;
    } control;
    struct msghdr hdr;
    memset(&hdr, 0, sizeof(hdr));
    hdr.msg_iov = &iov;
    hdr.msg_iovlen = 1;
    hdr.msg_control = control.buf;
    hdr.msg_controllen = sizeof(control.buf);
    ssize_t n;
    CT_RESTART(n, ct_sys_recvmsg(socket_fd, &hdr, CT_RECV_CLOEXEC));
    CT_RETURN_IF_FAILED(n);
    jint result[2 + CT_MAX_FDS_PER_MESSAGE];
    jint count = 0;
    for (struct cmsghdr *cm = hdr.msg_controllen > 0 ? CMSG_FIRSTHDR(&hdr) : NULL; cm != NULL;
         cm = CMSG_NXTHDR(&hdr, cm)) {
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
            continue;
        }
        size_t fds = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < fds; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
            if (count == CT_MAX_FDS_PER_MESSAGE) {
                close(fd); /* cannot be handed over: do not leak it */
                continue;
            }
            if (CT_RECV_CLOEXEC == 0) {
                /* Best effort: fcntl(F_SETFD) fails only for a bad descriptor, which recvmsg just gave us. */
                (void) fcntl(fd, F_SETFD, FD_CLOEXEC);
            }
            result[2 + count++] = fd;
        }
    }
    result[0] = count;
    result[1] = hdr.msg_flags;
    (*env)->SetIntArrayRegion(env, out, 0, 2 + count, result);
    return (jint) n;
}

/* The peer's credentials into out[0..2] = pid, uid, gid; pid 0 where the system does not say (see sockos.h). */
static jint ct_peer_credentials(JNIEnv *env, jclass clazz, jint fd, jintArray out) {
    (void) clazz;
    int cred[3];
    int rc = ct_os_peer_credentials(fd, cred);
    if (rc < 0) {
        return rc;
    }
    if (out == NULL || (*env)->GetArrayLength(env, out) < 3) {
        return -EINVAL;
    }
    jint values[3] = { cred[0], cred[1], cred[2] };
    (*env)->SetIntArrayRegion(env, out, 0, 3, values);
    return 0;
}

static void ct_unix_constants(JNIEnv *env, jclass clazz, jintArray out) {
    (void) clazz;
    const jint values[] = {
        CT_MAX_FDS_PER_MESSAGE, MSG_CTRUNC, ct_os_socket_features() & CT_F_PEER_PID,
    };
    (*env)->SetIntArrayRegion(env, out, 0, CT_ARRAY_LENGTH(values), values);
}

static const JNINativeMethod ct_unix_methods[] = {
    { "constants", "([I)V", (void *) ct_unix_constants },
    { "sendFd", "(II)I", (void *) ct_send_fd },
    { "recvFds", "(I[I)I", (void *) ct_recv_fds },
    { "peerCredentials", "(I[I)I", (void *) ct_peer_credentials },
};

const struct ct_natives ct_unix_natives = {
    "dev/customtransport/internal/UnixNative", ct_unix_methods, CT_ARRAY_LENGTH(ct_unix_methods),
};

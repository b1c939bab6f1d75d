/*
 * Descriptor passing over Unix sockets (SCM_RIGHTS), the natives UnixNative.sendFd/recvFds: plain POSIX, shared by
 * unix_linux.c and unix_bsd.c, which differ only in the flags below.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fdpass.h"

#if defined(MSG_NOSIGNAL) && !defined(__APPLE__)
#define CT_SEND_FLAGS MSG_NOSIGNAL
#else
#define CT_SEND_FLAGS 0 /* macOS: SO_NOSIGPIPE is set on every socket we make (socket_bsd.c) */
#endif

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
jint ct_send_fd(JNIEnv *env, jclass clazz, jint socket_fd, jint fd) {
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
    return (jint) ct_result(sendmsg(socket_fd, &hdr, CT_SEND_FLAGS));
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
jint ct_recv_fds(JNIEnv *env, jclass clazz, jint socket_fd, jintArray out) {
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
    ssize_t n = recvmsg(socket_fd, &hdr, CT_RECV_CLOEXEC);
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

/*
 * macOS's and the BSDs' forms of the calls in sockos.h. Compiled only there (build.sh).
 *   - macOS has no accept4 and no SOCK_NONBLOCK/SOCK_CLOEXEC flags: accept/socket, then fcntl. The window
 *     between them is harmless for close-on-exec only if no other thread forks and execs in it; the JDK's own
 *     process launcher closes stray descriptors in the child, which covers it.
 *   - SIGPIPE: macOS has SO_NOSIGPIPE per socket (set on every socket we make); FreeBSD has it too. The JVM
 *     ignores SIGPIPE anyway; this keeps a native write to a dead peer from depending on that.
 *   - sendfile: FreeBSD's is sendfile(in, out, offset, nbytes, hdtr, &sbytes, flags); macOS's is
 *     sendfile(in, out, offset, &len, hdtr, flags) with len in/out. Both report partial progress on EAGAIN.
 *   - pipe: FreeBSD has pipe2; macOS has not: pipe, then fcntl on both ends (the same window as above).
 *   - peer credentials: LOCAL_PEERCRED's struct xucred (see ct_os_peer_credentials).
 */
#include <errno.h>
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

#include "sockos.h"
#include "transport.h"

#ifndef SOL_LOCAL
#define SOL_LOCAL 0 /* the level of LOCAL_PEERCRED / LOCAL_PEERPID (unix(4)) */
#endif

static int ct_prepare(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        int err = errno;
        close(fd);
        return -err;
    }
#ifdef SO_NOSIGPIPE
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof(on)) < 0) {
        int err = errno;
        close(fd);
        return -err;
    }
#endif
    return fd;
}

int ct_os_socket(int af, int kind) {
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
    int fd = socket(af, kind | SOCK_NONBLOCK | SOCK_CLOEXEC, 0); /* FreeBSD 10+, the other BSDs */
#else
    int fd = socket(af, kind, 0); /* macOS */
#endif
    if (fd < 0) {
        return -errno;
    }
    return ct_prepare(fd);
}

int ct_os_accept(int fd, struct sockaddr *addr, socklen_t *len) {
#if defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) || defined(__DragonFly__)
    int child = accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
    int child = accept(fd, addr, len); /* macOS: no accept4 */
#endif
    if (child < 0) {
        return -errno;
    }
    return ct_prepare(child);
}

ssize_t ct_os_sendfile(int out_fd, int in_fd, off_t offset, size_t count) {
#if defined(__APPLE__)
    off_t len = (off_t) count;
    int rc = sendfile(in_fd, out_fd, offset, &len, NULL, 0);
    if (rc < 0 && len == 0) {
        return -errno;
    }
    return (ssize_t) len;
#elif defined(__FreeBSD__) || defined(__DragonFly__)
    off_t sent = 0;
    int rc = sendfile(in_fd, out_fd, offset, count, NULL, &sent, 0);
    if (rc < 0 && sent == 0) {
        return -errno;
    }
    return (ssize_t) sent;
#else
    (void) out_fd; (void) in_fd; (void) offset; (void) count;
    return -EOPNOTSUPP; /* OpenBSD and NetBSD have no sendfile: the caller copies through memory */
#endif
}

int ct_os_pipe(int fds[2]) {
#if defined(__APPLE__)
    if (pipe(fds) < 0) {
        return -errno;
    }
    for (int i = 0; i < 2; i++) {
        int flags = fcntl(fds[i], F_GETFL);
        if (flags < 0 || fcntl(fds[i], F_SETFL, flags | O_NONBLOCK) < 0 || fcntl(fds[i], F_SETFD, FD_CLOEXEC) < 0) {
            int err = errno;
            close(fds[0]);
            close(fds[1]);
            return -err;
        }
    }
    return 0;
#else
    return pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0 ? -errno : 0;
#endif
}

/*
 * LOCAL_PEERCRED gives a struct xucred (uid, and the effective gid as the first group) taken when the peer
 * connected, or for a connected client the listener's when it called listen(2). The pid: macOS adds LOCAL_PEERPID,
 * FreeBSD 13 cr_pid in the xucred; elsewhere it is reported as 0. Without LOCAL_PEERCRED, -EOPNOTSUPP.
 */
int ct_os_peer_credentials(int fd, int out[3]) {
#if defined(LOCAL_PEERCRED)
    struct xucred cred;
    socklen_t len = sizeof(cred);
    memset(&cred, 0, sizeof(cred));
    if (getsockopt(fd, SOL_LOCAL, LOCAL_PEERCRED, &cred, &len) < 0) {
        return -errno;
    }
    if (cred.cr_version != XUCRED_VERSION || cred.cr_ngroups < 1) {
        return -EPROTO;
    }
    out[0] = 0;
    out[1] = (int) cred.cr_uid;
    out[2] = (int) cred.cr_groups[0];
#if defined(LOCAL_PEERPID)
    pid_t pid = 0;
    len = sizeof(pid);
    if (getsockopt(fd, SOL_LOCAL, LOCAL_PEERPID, &pid, &len) < 0) {
        return -errno;
    }
    out[0] = (int) pid;
#elif defined(__FreeBSD__) && __FreeBSD_version >= 1300000
    out[0] = (int) cred.cr_pid;
#endif
    return 0;
#else
    (void) fd; (void) out;
    return -EOPNOTSUPP;
#endif
}

int ct_os_socket_features(void) {
#if defined(LOCAL_PEERCRED) && (defined(LOCAL_PEERPID) || (defined(__FreeBSD__) && __FreeBSD_version >= 1300000))
    return CT_F_PEER_PID;
#else
    return 0;
#endif
}

/* Linux's forms of the calls in sockos.h: flags on socket/accept4/pipe2, sendfile(2) with an offset pointer, and
 * SO_PEERCRED. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include "faults.h"
#include "sockos.h"
#include "transport.h"

int ct_os_socket(int af, int kind) {
    return (int) ct_result(ct_sys_socket(af, kind | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
}

int ct_os_accept(int fd, struct sockaddr *addr, socklen_t *len) {
    int child;
    CT_RESTART(child, ct_sys_accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC));
    return (int) ct_result(child);
}

ssize_t ct_os_sendfile(int out_fd, int in_fd, off_t offset, size_t count) {
    off_t off = offset;
    ssize_t sent;
    CT_RESTART(sent, ct_sys_sendfile(out_fd, in_fd, &off, count));
    return (ssize_t) ct_result(sent);
}

int ct_os_pipe(int fds[2]) {
    return (int) ct_result(pipe2(fds, O_NONBLOCK | O_CLOEXEC));
}

/* SO_PEERCRED (unix(7)): the peer's pid, uid and gid as they were when it called connect, listen or socketpair. */
int ct_os_peer_credentials(int fd, int out[3]) {
    struct ucred cred;
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
        return -errno;
    }
    out[0] = (int) cred.pid;
    out[1] = (int) cred.uid;
    out[2] = (int) cred.gid;
    return 0;
}

int ct_os_socket_features(void) {
    return CT_F_PEER_PID;
}

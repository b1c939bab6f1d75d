/* Linux's forms of the calls in sockos.h: flags on socket/accept4/pipe2, and sendfile(2) with an offset pointer. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include "sockos.h"
#include "transport.h"

int ct_os_socket(int af, int kind) {
    return (int) ct_result(socket(af, kind | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
}

int ct_os_accept(int fd, struct sockaddr *addr, socklen_t *len) {
    return (int) ct_result(accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC));
}

ssize_t ct_os_sendfile(int out_fd, int in_fd, off_t offset, size_t count) {
    off_t off = offset;
    return (ssize_t) ct_result(sendfile(out_fd, in_fd, &off, count));
}

int ct_os_pipe(int fds[2]) {
    return (int) ct_result(pipe2(fds, O_NONBLOCK | O_CLOEXEC));
}

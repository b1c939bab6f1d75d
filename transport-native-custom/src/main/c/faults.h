/*
 * The syscalls a fault-injection build can fail on purpose, under the names the natives call them by.
 *
 * In the shipped library (no CT_FAULTS) each ct_sys_* name is the libc call itself, so this header adds nothing.
 * build.sh compiles a second library for tests only with CT_FAULTS (and faults.c): there each ct_sys_* may, by a
 * seeded PRNG at rates the tests set, fail with EINTR, a spurious EAGAIN, a short count, ENOMEM/ENOBUFS,
 * ECONNRESET/EPIPE or EMFILE/ENFILE, and a wait may return early. faults.c says what is injected where, and why
 * each fault is one the kernel may really return. Linux and epoll only: the kqueue build never defines CT_FAULTS.
 */
#ifndef CT_FAULTS_H
#define CT_FAULTS_H

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#ifdef CT_FAULTS

struct epoll_event;
struct timespec;
struct mmsghdr;

ssize_t ct_sys_recv(int fd, void *buf, size_t len, int flags);
ssize_t ct_sys_send(int fd, const void *buf, size_t len, int flags);
ssize_t ct_sys_writev(int fd, const struct iovec *iov, int count);
ssize_t ct_sys_recvmsg(int fd, struct msghdr *hdr, int flags);
ssize_t ct_sys_sendmsg(int fd, const struct msghdr *hdr, int flags);
int ct_sys_recvmmsg(int fd, struct mmsghdr *hdrs, unsigned int count, int flags, struct timespec *timeout);
int ct_sys_sendmmsg(int fd, struct mmsghdr *hdrs, unsigned int count, int flags);
ssize_t ct_sys_sendfile(int out_fd, int in_fd, off_t *offset, size_t count);
ssize_t ct_sys_splice(int fd_in, loff_t *off_in, int fd_out, loff_t *off_out, size_t len, unsigned int flags);
int ct_sys_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
int ct_sys_socket(int domain, int type, int protocol);
int ct_sys_close(int fd);
int ct_sys_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
int ct_sys_epoll_wait(int epfd, struct epoll_event *events, int max, int timeout_millis);
/* epoll_pwait2 with no signal mask (the only form the natives use). */
long ct_sys_epoll_pwait2(int epfd, struct epoll_event *events, int max, const struct timespec *timeout);

#else

#define ct_sys_recv recv
#define ct_sys_send send
#define ct_sys_writev writev
#define ct_sys_recvmsg recvmsg
#define ct_sys_sendmsg sendmsg
#define ct_sys_recvmmsg recvmmsg
#define ct_sys_sendmmsg sendmmsg
#define ct_sys_sendfile sendfile
#define ct_sys_splice splice
#define ct_sys_accept4 accept4
#define ct_sys_socket socket
#define ct_sys_close close
#define ct_sys_epoll_ctl epoll_ctl
#define ct_sys_epoll_wait epoll_wait
#define ct_sys_epoll_pwait2(epfd, events, max, timeout) \
    syscall(SYS_epoll_pwait2, (epfd), (events), (max), (timeout), NULL, (size_t) 0)

#endif /* CT_FAULTS */

/*
 * Restarts a call that a signal interrupted before it did anything. A non-blocking socket call is rarely
 * interrupted, but POSIX allows it, and the Java side would take -EINTR for a failure of the channel.
 */
#define CT_RESTART(res, call) do { (res) = (call); } while ((res) < 0 && errno == EINTR)

#endif /* CT_FAULTS_H */

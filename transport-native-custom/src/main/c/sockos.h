/*
 * The socket (and pipe) calls whose form differs between the OSes: socket_linux.c on Linux, socket_bsd.c on macOS
 * and the BSDs. Each returns its result or -errno.
 */
#ifndef CT_SOCKOS_H
#define CT_SOCKOS_H

#include <sys/socket.h>
#include <sys/types.h>

/* The flags our sendmsg calls pass: MSG_NOSIGNAL where it is honoured. macOS relies on SO_NOSIGPIPE instead, set on
 * every socket ct_os_socket and ct_os_accept make, because older macOS kernels do not know the flag. */
#if defined(MSG_NOSIGNAL) && !defined(__APPLE__)
#define CT_SEND_FLAGS MSG_NOSIGNAL
#else
#define CT_SEND_FLAGS 0
#endif

/* A non-blocking, close-on-exec socket (and one that never raises SIGPIPE where the OS allows saying so). */
int ct_os_socket(int af, int kind);

/* accept, giving a non-blocking, close-on-exec descriptor like ct_os_socket's. */
int ct_os_accept(int fd, struct sockaddr *addr, socklen_t *len);

/* Sends up to count bytes of in_fd from offset to the socket out_fd: the bytes sent (> 0 even when the call was
 * cut short by EAGAIN or EINTR after some progress), or -errno. */
ssize_t ct_os_sendfile(int out_fd, int in_fd, off_t offset, size_t count);

/* A non-blocking, close-on-exec pipe into fds[0] (read end) and fds[1] (write end): 0 or -errno. */
int ct_os_pipe(int fds[2]);

/* The credentials of a Unix domain socket's peer into out[0..2] = pid, uid, gid, with pid 0 where the system does
 * not say: 0 or -errno. */
int ct_os_peer_credentials(int fd, int out[3]);

/* The CT_F_* bits (transport.h) of the calls above: CT_F_PEER_PID where ct_os_peer_credentials knows the pid. */
int ct_os_socket_features(void);

#endif /* CT_SOCKOS_H */

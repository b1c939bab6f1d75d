/*
 * echo_server: the floor of the comparison. One thread, level-triggered epoll, one read per readiness event
 * (epoll reports the socket again if more is left), the echo written straight back; 3 syscalls per ping-pong
 * round trip (epoll_wait, read, write). A second port answers HTTP/1.1 requests with a canned response without
 * parsing them (it counts the blank lines that end request heads), the floor for the HTTP scenarios.
 *
 *   echo_server        prints "READY echo=<port> http=<port>", then serves 127.0.0.1 until stdin closes or
 *                      says "quit"; "gc" on stdin is answered "heap 0" (the runner asks JVM servers the same)
 */
#include "bench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF 65536
#define STDIN_KEY UINT32_MAX

static const char RESPONSE[] =
    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 13\r\n\r\nHello, World!";
#define RESPONSE_LEN (sizeof(RESPONSE) - 1)
#define RESPONSES_PER_WRITE 64

enum kind { FREE, ECHO_LISTEN, HTTP_LISTEN, ECHO_CONN, HTTP_CONN };

struct conn {
    enum kind kind;
    int matched;      /* HTTP: bytes of "\r\n\r\n" matched at the end of what was read */
    char *pending;    /* bytes the socket did not take yet; reading stops until they are gone */
    size_t pending_len;
    size_t pending_off;
};

struct server {
    int epfd;
    int max_fd;
    struct conn *conns; /* indexed by fd */
    char buf[BUF];
    char responses[RESPONSE_LEN * RESPONSES_PER_WRITE];
};

static int listen_on(struct server *s, enum kind kind)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(sa);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 4096) != 0
            || getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        die("listen", errno);
    }
    s->conns[fd].kind = kind;
    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)fd };
    if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        die("epoll_ctl", errno);
    }
    return ntohs(sa.sin_port);
}

static void close_conn(struct server *s, int fd)
{
    free(s->conns[fd].pending);
    memset(&s->conns[fd], 0, sizeof(struct conn));
    close(fd); /* also leaves the epoll set */
}

static void interest(struct server *s, int fd, uint32_t events)
{
    struct epoll_event ev = { .events = events, .data.u32 = (uint32_t)fd };
    if (epoll_ctl(s->epfd, EPOLL_CTL_MOD, fd, &ev) != 0) {
        die("epoll_ctl", errno);
    }
}

static void accept_all(struct server *s, int lfd)
{
    enum kind kind = s->conns[lfd].kind == ECHO_LISTEN ? ECHO_CONN : HTTP_CONN;
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED) {
                fprintf(stderr, "echo_server: accept4: %s\n", strerror(errno));
            }
            return;
        }
        if (fd >= s->max_fd) {
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        s->conns[fd].kind = kind;
        struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)fd };
        if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            die("epoll_ctl", errno);
        }
    }
}

/* Writes what it can; keeps the rest and waits for EPOLLOUT. Returns false if the connection was closed. */
static bool send_or_keep(struct server *s, int fd, const char *data, size_t len)
{
    struct conn *c = &s->conns[fd];
    ssize_t n = write(fd, data, len);
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            close_conn(s, fd);
            return false;
        }
        n = 0;
    }
    if ((size_t)n == len) {
        return true;
    }
    char *copy = realloc(c->pending, c->pending_len + len - (size_t)n);
    if (copy == NULL) {
        die("out of memory", 0);
    }
    memcpy(copy + c->pending_len, data + n, len - (size_t)n);
    c->pending = copy;
    c->pending_len += len - (size_t)n;
    interest(s, fd, EPOLLOUT);
    return true;
}

static size_t count_heads(struct conn *c, const char *p, size_t n)
{
    static const char END[] = "\r\n\r\n";
    size_t heads = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == END[c->matched]) {
            if (++c->matched == 4) {
                heads++;
                c->matched = 0;
            }
        } else {
            c->matched = p[i] == '\r' ? 1 : 0;
        }
    }
    return heads;
}

static void on_readable(struct server *s, int fd)
{
    ssize_t n = read(fd, s->buf, BUF);
    if (n <= 0) {
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
            close_conn(s, fd);
        }
        return;
    }
    if (s->conns[fd].kind == ECHO_CONN) {
        send_or_keep(s, fd, s->buf, (size_t)n);
        return;
    }
    size_t heads = count_heads(&s->conns[fd], s->buf, (size_t)n);
    while (heads > 0) {
        size_t k = heads < RESPONSES_PER_WRITE ? heads : RESPONSES_PER_WRITE;
        if (!send_or_keep(s, fd, s->responses, k * RESPONSE_LEN)) {
            return;
        }
        heads -= k;
    }
}

static void on_writable(struct server *s, int fd)
{
    struct conn *c = &s->conns[fd];
    ssize_t n = write(fd, c->pending + c->pending_off, c->pending_len - c->pending_off);
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            close_conn(s, fd);
        }
        return;
    }
    c->pending_off += (size_t)n;
    if (c->pending_off == c->pending_len) {
        free(c->pending);
        c->pending = NULL;
        c->pending_len = c->pending_off = 0;
        interest(s, fd, EPOLLIN);
    }
}

/* Returns false when the runner said quit or went away. */
static bool on_stdin(void)
{
    char line[64];
    if (fgets(line, sizeof(line), stdin) == NULL || strncmp(line, "quit", 4) == 0) {
        return false;
    }
    if (strncmp(line, "gc", 2) == 0) {
        printf("heap 0\n");
    } else {
        printf("error unknown command\n");
    }
    fflush(stdout);
    return true;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    static struct server s;
    s.max_fd = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 1048576 ? (int)rl.rlim_cur : 1048576;
    s.conns = calloc((size_t)s.max_fd, sizeof(struct conn));
    s.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (s.conns == NULL || s.epfd < 0) {
        die("setup", errno);
    }
    for (int i = 0; i < RESPONSES_PER_WRITE; i++) {
        memcpy(s.responses + i * RESPONSE_LEN, RESPONSE, RESPONSE_LEN);
    }
    int echo_port = listen_on(&s, ECHO_LISTEN);
    int http_port = listen_on(&s, HTTP_LISTEN);
    struct epoll_event in = { .events = EPOLLIN, .data.u32 = STDIN_KEY };
    if (epoll_ctl(s.epfd, EPOLL_CTL_ADD, 0, &in) != 0) {
        die("epoll_ctl(stdin)", errno);
    }
    printf("READY echo=%d http=%d\n", echo_port, http_port);
    fflush(stdout);
    struct epoll_event evs[256];
    for (;;) {
        int n = epoll_wait(s.epfd, evs, 256, -1);
        if (n < 0 && errno != EINTR) {
            die("epoll_wait", errno);
        }
        for (int i = 0; i < n; i++) {
            uint32_t key = evs[i].data.u32;
            if (key == STDIN_KEY) {
                if (!on_stdin()) {
                    return 0;
                }
                continue;
            }
            int fd = (int)key;
            switch (s.conns[fd].kind) {
            case ECHO_LISTEN:
            case HTTP_LISTEN:
                accept_all(&s, fd);
                break;
            case ECHO_CONN:
            case HTTP_CONN:
                if (evs[i].events & EPOLLOUT) {
                    on_writable(&s, fd);
                } else {
                    on_readable(&s, fd);
                }
                break;
            case FREE:
                break;
            }
        }
    }
}

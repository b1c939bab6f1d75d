/*
 * Fault injection, for tests only: compiled into a separate library (build.sh with CT_FAULT_INJECTION=1) that the
 * shipped jar never holds. Each ct_sys_* of faults.h draws from a seeded PRNG and, at the rate set for its site and a kind of fault,
 * fails or shortens the call before making it:
 *
 *   kind     what the call returns                               sites
 *   EINTR    -1/EINTR (a signal came first)                      every I/O call, accept, wait
 *   EAGAIN   -1/EAGAIN though the socket was ready               every I/O call, accept
 *   SHORT    fewer bytes (or messages) than asked                stream reads/writes, sendfile, splice, mmsg
 *   NOMEM    ENOMEM on receive, ENOBUFS on send                  every I/O call, accept
 *   RESET    ECONNRESET on receive, EPIPE on send                stream sockets only
 *   NOFILE   EMFILE or ENFILE                                    accept, socket
 *   EARLY    0 events after part of the timeout                  wait (EINTR there too comes after part of it)
 *
 * Only sockets are faulted (a getsockopt(SO_TYPE) per call, which only this build pays): the loop's eventfd,
 * timerfd and pipes are left alone. The fatal kinds (RESET, and NOMEM on I/O calls) hit only the sockets a test
 * marked with FaultInjection.allowFatal, so that it knows which channel each one must fail; each is logged as
 * (fd, errno) for it to check. A call restarted after an injected EINTR is never interrupted again, so a rate
 * of 100% cannot livelock a restart loop. A faulted wait sleeps half its timeout first (100 ms when it has none),
 * and a wait with a zero timeout is never faulted, so that a caller that waits again for what remains reaches its
 * deadline whatever the rate.
 *
 * The kernel never returns EAGAIN, or a short read, and then stays silent while data waits: data that arrives
 * after the read announces itself with a new edge. So after an injected EAGAIN or short count on a socket
 * registered edge-triggered, the next wait of its epoll instance reports it once more (an "owed" event), as the
 * kernel would for data arriving just then. A level-triggered registration needs nothing: the kernel reports the
 * real state again.
 *
 * Configuration: the environment variable CT_FAULTS at the first call, e.g.
 *     CT_FAULTS=seed=42,eintr=2000,short=20000,wait.early=50000,report=/tmp/faults.txt
 * (rates in parts per million; "kind=" sets every site, "site.kind=" one site; report= is a file that gets the
 * counts at exit), or the natives of dev.customtransport.faults.FaultInjection below, which replace it.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "faults.h"
#include "transport.h"

#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif

enum ct_site {
    S_RECV, S_SEND, S_WRITEV, S_RECVMSG, S_SENDMSG, S_RECVMMSG, S_SENDMMSG, S_SENDFILE, S_SPLICE, S_ACCEPT,
    S_SOCKET, S_WAIT, S_COUNT
};
enum ct_kind { K_EINTR, K_EAGAIN, K_SHORT, K_NOMEM, K_RESET, K_NOFILE, K_EARLY, K_COUNT };

/* The names the configuration and the report use; FaultInjection.java keeps the same order. */
static const char *const ct_site_names[S_COUNT] = {
    "recv", "send", "writev", "recvmsg", "sendmsg", "recvmmsg", "sendmmsg", "sendfile", "splice", "accept",
    "socket", "wait",
};
static const char *const ct_kind_names[K_COUNT] = { "eintr", "eagain", "short", "nomem", "reset", "nofile", "early" };

#define B(k) (1u << (k))
#define IO_KINDS (B(K_EINTR) | B(K_EAGAIN) | B(K_NOMEM))
/* The kinds each site can meet; RESET and SHORT are further limited to stream sockets where that matters. */
static const unsigned ct_site_kinds[S_COUNT] = {
    [S_RECV] = IO_KINDS | B(K_SHORT) | B(K_RESET),
    [S_SEND] = IO_KINDS | B(K_SHORT) | B(K_RESET),
    [S_WRITEV] = IO_KINDS | B(K_SHORT) | B(K_RESET),
    [S_RECVMSG] = IO_KINDS | B(K_SHORT) | B(K_RESET),
    [S_SENDMSG] = IO_KINDS | B(K_SHORT) | B(K_RESET),
    [S_RECVMMSG] = IO_KINDS | B(K_SHORT),
    [S_SENDMMSG] = IO_KINDS | B(K_SHORT),
    [S_SENDFILE] = IO_KINDS | B(K_SHORT) | B(K_RESET),
    [S_SPLICE] = IO_KINDS | B(K_SHORT),
    [S_ACCEPT] = B(K_EINTR) | B(K_EAGAIN) | B(K_NOMEM) | B(K_NOFILE),
    [S_SOCKET] = B(K_NOFILE),
    [S_WAIT] = B(K_EINTR) | B(K_EARLY),
};

#define PPM 1000000u
#define CT_FAULT_MAX_FD 65536
#define CT_FATAL_LOG 4096

static _Atomic uint32_t ct_rates[S_COUNT][K_COUNT];
static _Atomic uint64_t ct_counts[S_COUNT][K_COUNT];
static _Atomic uint64_t ct_seed;
static _Atomic uint32_t ct_generation = 1;
static _Atomic uint32_t ct_threads;
static char ct_report_path[512];
static pthread_once_t ct_once = PTHREAD_ONCE_INIT;

/* Every fatal fault (RESET, NOMEM) injected, as (fd, errno): the test matches them to the channels that failed. */
static _Atomic int ct_fatal_fd[CT_FATAL_LOG];
static _Atomic int ct_fatal_errno[CT_FATAL_LOG];
static _Atomic uint32_t ct_fatal_count;

/* The sockets fatal faults may hit (set from Java, cleared when the descriptor is closed). */
static _Atomic uint8_t ct_fatal_allowed[CT_FAULT_MAX_FD];

/* What each fd is registered for (from ct_sys_epoll_ctl), and the events it is owed. */
struct ct_reg {
    _Atomic int epfd;         /* 0: not registered */
    _Atomic uint32_t events;
    _Atomic uint64_t token;
    _Atomic uint32_t owed;
};
static struct ct_reg ct_regs[CT_FAULT_MAX_FD];
static pthread_mutex_t ct_owed_lock = PTHREAD_MUTEX_INITIALIZER;
static int ct_owed_fds[CT_FAULT_MAX_FD];
static int ct_owed_count;

/* Per thread: the PRNG (xorshift64*), reseeded when the configuration changes, and the restart rule. */
static _Thread_local uint32_t ct_rng_generation;
static _Thread_local uint64_t ct_rng_state;
static _Thread_local int ct_just_interrupted;

static uint64_t ct_splitmix(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static uint64_t ct_next(void) {
    uint32_t generation = atomic_load(&ct_generation);
    if (ct_rng_generation != generation) {
        /* Threads are numbered in the order they first draw, so a seed replays per thread. */
        uint64_t ordinal = atomic_fetch_add(&ct_threads, 1);
        ct_rng_state = ct_splitmix(atomic_load(&ct_seed) ^ ct_splitmix(ordinal)) | 1;
        ct_rng_generation = generation;
    }
    uint64_t x = ct_rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    ct_rng_state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static void ct_write_report(void) {
    if (ct_report_path[0] == '\0') {
        return;
    }
    FILE *f = fopen(ct_report_path, "a");
    if (f == NULL) {
        return;
    }
    fprintf(f, "seed=%llu pid=%ld\n", (unsigned long long) atomic_load(&ct_seed), (long) getpid());
    for (int s = 0; s < S_COUNT; s++) {
        for (int k = 0; k < K_COUNT; k++) {
            uint64_t n = atomic_load(&ct_counts[s][k]);
            if (n != 0) {
                fprintf(f, "%s.%s=%llu\n", ct_site_names[s], ct_kind_names[k], (unsigned long long) n);
            }
        }
    }
    fclose(f);
}

static int ct_set_rate(const char *name, uint32_t ppm) {
    const char *dot = strchr(name, '.');
    int matched = 0;
    for (int s = 0; s < S_COUNT; s++) {
        if (dot != NULL && (strncmp(name, ct_site_names[s], (size_t) (dot - name)) != 0
                            || ct_site_names[s][dot - name] != '\0')) {
            continue;
        }
        const char *kind = dot == NULL ? name : dot + 1;
        for (int k = 0; k < K_COUNT; k++) {
            if (strcmp(kind, ct_kind_names[k]) == 0 && (ct_site_kinds[s] & B(k)) != 0) {
                atomic_store(&ct_rates[s][k], ppm > PPM ? PPM : ppm);
                matched = 1;
            }
        }
    }
    return matched;
}

/* Reads CT_FAULTS once. A malformed entry stops the process: a test that meant to inject must not run without. */
static void ct_configure_from_env(void) {
    const char *spec = getenv("CT_FAULTS");
    uint64_t seed = (uint64_t) time(NULL);
    if (spec != NULL) {
        char copy[1024];
        snprintf(copy, sizeof(copy), "%s", spec);
        char *save = NULL;
        for (char *item = strtok_r(copy, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
            char *eq = strchr(item, '=');
            if (eq == NULL) {
                fprintf(stderr, "CT_FAULTS: '%s' is not name=value\n", item);
                abort();
            }
            *eq = '\0';
            const char *value = eq + 1;
            if (strcmp(item, "seed") == 0) {
                seed = strtoull(value, NULL, 10);
            } else if (strcmp(item, "report") == 0) {
                snprintf(ct_report_path, sizeof(ct_report_path), "%s", value);
            } else if (!ct_set_rate(item, (uint32_t) strtoul(value, NULL, 10))) {
                fprintf(stderr, "CT_FAULTS: no site or kind of fault is named '%s'\n", item);
                abort();
            }
        }
    }
    atomic_store(&ct_seed, seed);
    atomic_fetch_add(&ct_generation, 1);
    if (spec != NULL) {
        /* Said at once, so that a run that hangs can still be replayed. */
        fprintf(stderr, "CT_FAULTS: seed=%llu (%s)\n", (unsigned long long) seed, spec);
    }
    atexit(ct_write_report);
}

/* SO_TYPE of fd, or 0 for a descriptor that is not a socket. */
static int ct_socket_type(int fd) {
    int type = 0;
    socklen_t len = sizeof(type);
    return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ? 0 : type;
}

/* Draws the fault for one call at `site` on `fd` (-1: no fd), among the kinds in `allowed`: K_COUNT for none. */
static int ct_draw(int site, unsigned allowed) {
    pthread_once(&ct_once, ct_configure_from_env);
    if (site != S_WAIT && ct_just_interrupted) {
        /* A restarted call. (A wait is not restarted as is: its caller waits again for what remains.) */
        ct_just_interrupted = 0;
        allowed &= ~B(K_EINTR);
    }
    allowed &= ct_site_kinds[site];
    if (allowed == 0) {
        return K_COUNT;
    }
    uint32_t r = (uint32_t) (ct_next() % PPM);
    uint32_t edge = 0;
    for (int k = 0; k < K_COUNT; k++) {
        if ((allowed & B(k)) == 0) {
            continue;
        }
        edge += atomic_load_explicit(&ct_rates[site][k], memory_order_relaxed);
        if (r < edge) {
            atomic_fetch_add(&ct_counts[site][k], 1);
            if (k == K_EINTR && site != S_WAIT) {
                ct_just_interrupted = 1;
            }
            return k;
        }
    }
    return K_COUNT;
}

/* The kinds a call on fd may meet: none unless it is a socket; no RESET or SHORT on a datagram socket. */
static unsigned ct_allowed(int fd, unsigned stream_only_kinds) {
    int type = ct_socket_type(fd);
    if (type == 0) {
        return 0;
    }
    unsigned allowed = ~0u;
    if (fd >= CT_FAULT_MAX_FD || !atomic_load(&ct_fatal_allowed[fd])) {
        allowed &= ~(B(K_RESET) | B(K_NOMEM));
    }
    if (type != SOCK_STREAM) {
        allowed &= ~stream_only_kinds;
    }
    return allowed;
}

static void ct_log_fatal(int fd, int err) {
    uint32_t i = atomic_fetch_add(&ct_fatal_count, 1);
    if (i < CT_FATAL_LOG) {
        atomic_store(&ct_fatal_fd[i], fd);
        atomic_store(&ct_fatal_errno[i], err);
    }
}

/* After an injected EAGAIN or short count: the event the kernel would raise, if fd is edge-triggered. */
static void ct_owe(int fd, uint32_t events) {
    if (fd < 0 || fd >= CT_FAULT_MAX_FD) {
        return;
    }
    struct ct_reg *reg = &ct_regs[fd];
    if (atomic_load(&reg->epfd) == 0 || (atomic_load(&reg->events) & EPOLLET) == 0) {
        return;
    }
    if (atomic_fetch_or(&reg->owed, events) == 0) {
        pthread_mutex_lock(&ct_owed_lock);
        if (ct_owed_count < CT_FAULT_MAX_FD) { /* full only if close raced with owing, fd by fd: drop it */
            ct_owed_fds[ct_owed_count++] = fd;
        }
        pthread_mutex_unlock(&ct_owed_lock);
    }
}

/* 1 + a random count below n (n > 1): a short count. */
static size_t ct_shorter(size_t n) {
    return 1 + (size_t) (ct_next() % (n - 1));
}

/*
 * The common part of an I/O call: returns 1 with errno set when the call is to fail, 0 to make it (with *count,
 * bytes or messages, possibly lowered; NULL: never shortened). `receive` picks ENOMEM/ECONNRESET/EPOLLIN, or
 * ENOBUFS/EPIPE/EPOLLOUT. `stream_only` names the kinds a datagram socket never meets: a short byte count is, but
 * a partial batch is not.
 */
static int ct_fault_io(int site, int fd, size_t *count, int receive, unsigned stream_only) {
    unsigned allowed = ct_allowed(fd, stream_only);
    if (allowed == 0) {
        return 0;
    }
    if (count == NULL || *count < 2) {
        allowed &= ~B(K_SHORT);
    }
    uint32_t direction = receive ? EPOLLIN : EPOLLOUT;
    switch (ct_draw(site, allowed)) {
    case K_EINTR:
        errno = EINTR;
        return 1;
    case K_EAGAIN:
        ct_owe(fd, direction);
        errno = EAGAIN;
        return 1;
    case K_SHORT:
        *count = ct_shorter(*count);
        ct_owe(fd, direction);
        return 0;
    case K_NOMEM:
        errno = receive ? ENOMEM : ENOBUFS;
        ct_log_fatal(fd, errno);
        return 1;
    case K_RESET:
        errno = receive ? ECONNRESET : EPIPE;
        ct_log_fatal(fd, errno);
        return 1;
    default:
        return 0;
    }
}

/* A byte-stream call: RESET and SHORT only on stream sockets. */
static int ct_fault_bytes(int site, int fd, size_t *len, int receive) {
    return ct_fault_io(site, fd, len, receive, B(K_RESET) | B(K_SHORT));
}

ssize_t ct_sys_recv(int fd, void *buf, size_t len, int flags) {
    if (ct_fault_bytes(S_RECV, fd, (flags & MSG_PEEK) != 0 ? NULL : &len, 1)) {
        return -1;
    }
    return recv(fd, buf, len, flags);
}

ssize_t ct_sys_send(int fd, const void *buf, size_t len, int flags) {
    if (ct_fault_bytes(S_SEND, fd, &len, 0)) {
        return -1;
    }
    return send(fd, buf, len, flags);
}

/* The first `bytes` bytes of iov[0..count) as a new vector in `out` (capacity `max`): its length. */
static int ct_truncate_iov(const struct iovec *iov, int count, size_t bytes, struct iovec *out, int max) {
    int n = 0;
    for (int i = 0; i < count && n < max && bytes > 0; i++) {
        out[n] = iov[i];
        if (out[n].iov_len > bytes) {
            out[n].iov_len = bytes;
        }
        bytes -= out[n].iov_len;
        n++;
    }
    return n;
}

static size_t ct_iov_bytes(const struct iovec *iov, size_t count) {
    size_t total = 0;
    for (size_t i = 0; i < count; i++) {
        total += iov[i].iov_len;
    }
    return total;
}

#define CT_MAX_IOV 1024

ssize_t ct_sys_writev(int fd, const struct iovec *iov, int count) {
    size_t total = count > 0 && count <= CT_MAX_IOV ? ct_iov_bytes(iov, (size_t) count) : 0;
    size_t len = total;
    if (ct_fault_bytes(S_WRITEV, fd, total > 0 ? &len : NULL, 0)) {
        return -1;
    }
    if (len < total) {
        struct iovec shorter[CT_MAX_IOV];
        return writev(fd, shorter, ct_truncate_iov(iov, count, len, shorter, CT_MAX_IOV));
    }
    return writev(fd, iov, count);
}

/* hdr with its data cut to the first `len` bytes, its vector in `shorter`. */
static struct msghdr ct_shorter_msg(const struct msghdr *hdr, size_t len, struct iovec *shorter) {
    struct msghdr copy = *hdr;
    copy.msg_iov = shorter;
    copy.msg_iovlen = (size_t) ct_truncate_iov(hdr->msg_iov, (int) hdr->msg_iovlen, len, shorter, CT_MAX_IOV);
    return copy;
}

ssize_t ct_sys_recvmsg(int fd, struct msghdr *hdr, int flags) {
    size_t total = hdr->msg_iovlen <= CT_MAX_IOV ? ct_iov_bytes(hdr->msg_iov, hdr->msg_iovlen) : 0;
    size_t len = total;
    if (ct_fault_bytes(S_RECVMSG, fd, total > 0 ? &len : NULL, 1)) {
        return -1;
    }
    if (len < total) {
        /* Only a stream socket gets here (SHORT is never drawn for a datagram one). */
        struct iovec shorter[CT_MAX_IOV];
        struct msghdr copy = ct_shorter_msg(hdr, len, shorter);
        ssize_t n = recvmsg(fd, &copy, flags);
        hdr->msg_controllen = copy.msg_controllen;
        hdr->msg_namelen = copy.msg_namelen;
        hdr->msg_flags = copy.msg_flags;
        return n;
    }
    return recvmsg(fd, hdr, flags);
}

ssize_t ct_sys_sendmsg(int fd, const struct msghdr *hdr, int flags) {
    size_t total = hdr->msg_iovlen <= CT_MAX_IOV ? ct_iov_bytes(hdr->msg_iov, hdr->msg_iovlen) : 0;
    size_t len = total;
    if (ct_fault_bytes(S_SENDMSG, fd, total > 0 ? &len : NULL, 0)) {
        return -1;
    }
    if (len < total) {
        struct iovec shorter[CT_MAX_IOV];
        struct msghdr copy = ct_shorter_msg(hdr, len, shorter);
        return sendmsg(fd, &copy, flags);
    }
    return sendmsg(fd, hdr, flags);
}

/* A batch call: SHORT takes fewer messages (a partial batch), which datagram sockets may do too. */
static int ct_fault_batch(int site, int fd, unsigned int *count, int receive) {
    size_t n = *count;
    int failed = ct_fault_io(site, fd, &n, receive, 0);
    *count = (unsigned int) n;
    return failed;
}

int ct_sys_recvmmsg(int fd, struct mmsghdr *hdrs, unsigned int count, int flags, struct timespec *timeout) {
    if (ct_fault_batch(S_RECVMMSG, fd, &count, 1)) {
        return -1;
    }
    return recvmmsg(fd, hdrs, count, flags, timeout);
}

int ct_sys_sendmmsg(int fd, struct mmsghdr *hdrs, unsigned int count, int flags) {
    if (ct_fault_batch(S_SENDMMSG, fd, &count, 0)) {
        return -1;
    }
    return sendmmsg(fd, hdrs, count, flags);
}

ssize_t ct_sys_sendfile(int out_fd, int in_fd, off_t *offset, size_t count) {
    if (ct_fault_bytes(S_SENDFILE, out_fd, &count, 0)) {
        return -1;
    }
    return sendfile(out_fd, in_fd, offset, count);
}

ssize_t ct_sys_splice(int fd_in, loff_t *off_in, int fd_out, loff_t *off_out, size_t len, unsigned int flags) {
    /* The socket end decides; a pipe-to-pipe splice is not faulted. */
    int receive = ct_socket_type(fd_in) != 0;
    int socket_fd = receive ? fd_in : fd_out;
    if (ct_fault_bytes(S_SPLICE, socket_fd, &len, receive)) {
        return -1;
    }
    return splice(fd_in, off_in, fd_out, off_out, len, flags);
}

int ct_sys_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    /* ENOBUFS here only pauses accepting, as EMFILE does: no channel fails, so any listener may meet it. */
    unsigned allowed = ct_socket_type(fd) != 0 ? ~0u : 0;
    switch (allowed == 0 ? K_COUNT : ct_draw(S_ACCEPT, allowed)) {
    case K_EINTR:
        errno = EINTR;
        return -1;
    case K_EAGAIN:
        ct_owe(fd, EPOLLIN);
        errno = EAGAIN;
        return -1;
    case K_NOMEM:
        errno = ENOBUFS;
        return -1;
    case K_NOFILE:
        errno = (ct_next() & 1) != 0 ? EMFILE : ENFILE;
        return -1;
    default:
        return accept4(fd, addr, len, flags);
    }
}

int ct_sys_socket(int domain, int type, int protocol) {
    if (ct_draw(S_SOCKET, B(K_NOFILE)) == K_NOFILE) {
        errno = (ct_next() & 1) != 0 ? EMFILE : ENFILE;
        return -1;
    }
    return socket(domain, type, protocol);
}

int ct_sys_close(int fd) {
    if (fd >= 0 && fd < CT_FAULT_MAX_FD) {
        /* The kernel forgets the registration with the last reference; so do we, before the number is reused. */
        atomic_store(&ct_regs[fd].epfd, 0);
        atomic_store(&ct_regs[fd].owed, 0);
        atomic_store(&ct_fatal_allowed[fd], 0);
    }
    return close(fd);
}

int ct_sys_epoll_ctl(int epfd, int op, int fd, struct epoll_event *event) {
    int rc = epoll_ctl(epfd, op, fd, event);
    if (rc == 0 && fd >= 0 && fd < CT_FAULT_MAX_FD) {
        struct ct_reg *reg = &ct_regs[fd];
        if (op == EPOLL_CTL_DEL) {
            atomic_store(&reg->epfd, 0);
            atomic_store(&reg->owed, 0);
        } else {
            if (op == EPOLL_CTL_ADD) {
                atomic_store(&reg->owed, 0); /* a new registration owes nothing */
            }
            atomic_store(&reg->events, event->events);
            atomic_store(&reg->token, event->data.u64);
            atomic_store(&reg->epfd, epfd);
        }
    }
    return rc;
}

/* 1 if an owed event waits for epfd: its wait must not block. */
static int ct_owed_for(int epfd) {
    int found = 0;
    pthread_mutex_lock(&ct_owed_lock);
    for (int i = 0; i < ct_owed_count && !found; i++) {
        found = atomic_load(&ct_regs[ct_owed_fds[i]].epfd) == epfd;
    }
    pthread_mutex_unlock(&ct_owed_lock);
    return found;
}

/* Appends the events owed to epfd's sockets after the n the kernel gave: the new count. */
static int ct_pay_owed(int epfd, struct epoll_event *events, int n, int max) {
    pthread_mutex_lock(&ct_owed_lock);
    for (int i = 0; i < ct_owed_count && n < max;) {
        int fd = ct_owed_fds[i];
        struct ct_reg *reg = &ct_regs[fd];
        int reg_epfd = atomic_load(&reg->epfd);
        if (reg_epfd != 0 && reg_epfd != epfd) {
            i++; /* another loop's */
            continue;
        }
        uint32_t owed = atomic_exchange(&reg->owed, 0) & atomic_load(&reg->events);
        if (reg_epfd == epfd && owed != 0) {
            events[n].events = owed;
            events[n].data.u64 = atomic_load(&reg->token);
            n++;
        }
        ct_owed_fds[i] = ct_owed_fds[--ct_owed_count];
    }
    pthread_mutex_unlock(&ct_owed_lock);
    return n;
}

/* EINTR or EARLY for a wait of `millis` (> 0, or -1 for none: then 100 ms stands for it): the part to sleep. */
static int ct_wait_fault(long long millis, long long *part) {
    if (millis == 0) {
        return K_COUNT;
    }
    int kind = ct_draw(S_WAIT, B(K_EINTR) | B(K_EARLY));
    if (kind != K_COUNT) {
        /* Half the timeout: an interruption that comes again and again still lets a correct caller reach its
         * deadline, in steps that halve, and keeps one that restarts the whole timeout from ever reaching it. */
        *part = millis < 0 ? 100 : millis / 2;
    }
    return kind;
}

int ct_sys_epoll_wait(int epfd, struct epoll_event *events, int max, int timeout_millis) {
    long long part = 0;
    int owed = ct_owed_for(epfd);
    int kind = owed ? K_COUNT : ct_wait_fault(timeout_millis, &part);
    int n = epoll_wait(epfd, events, max, owed ? 0 : kind == K_COUNT ? timeout_millis : (int) part);
    if (n == 0 && kind == K_EINTR) {
        errno = EINTR;
        return -1;
    }
    return n < 0 ? n : ct_pay_owed(epfd, events, n, max);
}

#define NANOS_PER_MILLI 1000000LL

long ct_sys_epoll_pwait2(int epfd, struct epoll_event *events, int max, const struct timespec *timeout) {
    long long millis = timeout == NULL ? -1
            : (long long) timeout->tv_sec * 1000 + (timeout->tv_nsec + NANOS_PER_MILLI - 1) / NANOS_PER_MILLI;
    long long part = 0;
    int owed = ct_owed_for(epfd);
    int kind = owed ? K_COUNT : ct_wait_fault(millis, &part);
    struct timespec shorter;
    if (kind != K_COUNT) {
        long long nanos = timeout == NULL ? part * NANOS_PER_MILLI
                : ((long long) timeout->tv_sec * 1000000000LL + timeout->tv_nsec) / 2;
        shorter.tv_sec = (time_t) (nanos / 1000000000LL);
        shorter.tv_nsec = (long) (nanos % 1000000000LL);
        timeout = &shorter;
    }
    if (owed) {
        shorter.tv_sec = 0;
        shorter.tv_nsec = 0;
        timeout = &shorter;
    }
    long n = syscall(SYS_epoll_pwait2, epfd, events, max, timeout, NULL, (size_t) 0);
    if (n == 0 && kind == K_EINTR) {
        errno = EINTR;
        return -1;
    }
    return n < 0 ? n : ct_pay_owed(epfd, events, (int) n, max);
}

/* --- FaultInjection (test sources): found by its JNI name, so nothing of this reaches JNI_OnLoad ------------- */

/* Replaces the configuration: rates[site * K_COUNT + kind] in parts per million (0 for a pair a site lacks). */
JNIEXPORT void JNICALL Java_dev_customtransport_faults_FaultInjection_configure(JNIEnv *env, jclass clazz,
                                                                               jlong seed, jintArray rates) {
    (void) clazz;
    pthread_once(&ct_once, ct_configure_from_env);
    jint values[S_COUNT * K_COUNT];
    (*env)->GetIntArrayRegion(env, rates, 0, S_COUNT * K_COUNT, values);
    if ((*env)->ExceptionCheck(env)) {
        return;
    }
    for (int s = 0; s < S_COUNT; s++) {
        for (int k = 0; k < K_COUNT; k++) {
            jint v = (ct_site_kinds[s] & B(k)) != 0 ? values[s * K_COUNT + k] : 0;
            atomic_store(&ct_rates[s][k], v < 0 ? 0 : v > (jint) PPM ? PPM : (uint32_t) v);
        }
    }
    atomic_store(&ct_seed, (uint64_t) seed);
    atomic_fetch_add(&ct_generation, 1);
}

JNIEXPORT jlong JNICALL Java_dev_customtransport_faults_FaultInjection_seed(JNIEnv *env, jclass clazz) {
    (void) env; (void) clazz;
    pthread_once(&ct_once, ct_configure_from_env);
    return (jlong) atomic_load(&ct_seed);
}

/* The faults injected so far into out[site * K_COUNT + kind]. */
JNIEXPORT void JNICALL Java_dev_customtransport_faults_FaultInjection_counts(JNIEnv *env, jclass clazz,
                                                                            jlongArray out) {
    (void) clazz;
    jlong values[S_COUNT * K_COUNT];
    for (int s = 0; s < S_COUNT; s++) {
        for (int k = 0; k < K_COUNT; k++) {
            values[s * K_COUNT + k] = (jlong) atomic_load(&ct_counts[s][k]);
        }
    }
    (*env)->SetLongArrayRegion(env, out, 0, S_COUNT * K_COUNT, values);
}

/* The fatal faults injected so far as (fd, errno) pairs into out; returns how many there were (maybe more than
 * fit, or than the log kept: CT_FATAL_LOG). */
JNIEXPORT jint JNICALL Java_dev_customtransport_faults_FaultInjection_fatal(JNIEnv *env, jclass clazz,
                                                                           jintArray out) {
    (void) clazz;
    uint32_t count = atomic_load(&ct_fatal_count);
    jint room = (*env)->GetArrayLength(env, out) / 2;
    jint n = (jint) (count < CT_FATAL_LOG ? count : CT_FATAL_LOG);
    n = n < room ? n : room;
    for (jint i = 0; i < n; i++) {
        jint pair[2] = { atomic_load(&ct_fatal_fd[i]), atomic_load(&ct_fatal_errno[i]) };
        (*env)->SetIntArrayRegion(env, out, 2 * i, 2, pair);
    }
    return (jint) count;
}

/* Lets the fatal kinds hit the socket fd (until it is closed). */
JNIEXPORT void JNICALL Java_dev_customtransport_faults_FaultInjection_allowFatal(JNIEnv *env, jclass clazz, jint fd) {
    (void) env; (void) clazz;
    if (fd >= 0 && fd < CT_FAULT_MAX_FD) {
        atomic_store(&ct_fatal_allowed[fd], 1);
    }
}

/* Zeroes the counts and the fatal log (the rates stay). */
JNIEXPORT void JNICALL Java_dev_customtransport_faults_FaultInjection_clear(JNIEnv *env, jclass clazz) {
    (void) env; (void) clazz;
    for (int s = 0; s < S_COUNT; s++) {
        for (int k = 0; k < K_COUNT; k++) {
            atomic_store(&ct_counts[s][k], 0);
        }
    }
    atomic_store(&ct_fatal_count, 0);
}

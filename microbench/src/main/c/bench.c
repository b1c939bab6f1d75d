#include "bench.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void sleep_ns(uint64_t ns)
{
    struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

_Noreturn void die(const char *what, int errnum)
{
    if (errnum != 0) {
        fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what, strerror(errnum));
    } else {
        fprintf(stderr, "%s: %s\n", program_invocation_short_name, what);
    }
    exit(1);
}

void hist_reset(struct hist *h)
{
    memset(h, 0, sizeof(*h));
}

static int hist_index(uint64_t v)
{
    if (v < 128) {
        return (int)v;
    }
    int exp = 63 - __builtin_clzll(v); /* >= 7 */
    int shift = exp - 6;               /* keeps 7 significant bits: 64..127 */
    int idx = 128 + (exp - 7) * HIST_SUB + (int)((v >> shift) - HIST_SUB);
    return idx < HIST_BUCKETS ? idx : HIST_BUCKETS - 1;
}

static uint64_t hist_value(int idx)
{
    if (idx < 128) {
        return (uint64_t)idx;
    }
    int exp = (idx - 128) / HIST_SUB + 7;
    int sub = (idx - 128) % HIST_SUB + HIST_SUB;
    int shift = exp - 6;
    return ((uint64_t)sub << shift) + ((1ull << shift) >> 1);
}

void hist_record(struct hist *h, uint64_t ns)
{
    h->buckets[hist_index(ns)]++;
    h->count++;
}

uint64_t hist_quantile(const struct hist *h, double q)
{
    if (h->count == 0) {
        return 0;
    }
    uint64_t rank = (uint64_t)(q * (double)h->count);
    if (rank >= h->count) {
        rank = h->count - 1;
    }
    uint64_t seen = 0;
    for (int i = 0; i < HIST_BUCKETS; i++) {
        seen += h->buckets[i];
        if (seen > rank) {
            return hist_value(i);
        }
    }
    return hist_value(HIST_BUCKETS - 1);
}

static uint64_t read_schedstat(const char *path)
{
    char buf[128];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0) {
        return 0;
    }
    buf[n] = '\0';
    return strtoull(buf, NULL, 10);
}

void cpu_snapshot_take(struct cpu_snapshot *s, pid_t pid)
{
    s->n = 0;
    char path[96];
    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    DIR *dir = opendir(path);
    if (dir == NULL) {
        return;
    }
    struct dirent *e;
    while ((e = readdir(dir)) != NULL && s->n < CPU_SNAPSHOT_MAX) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') {
            continue;
        }
        pid_t tid = (pid_t)atoi(e->d_name);
        s->tid[s->n] = tid;
        s->ns[s->n] = thread_cpu_ns(pid, tid);
        s->n++;
    }
    closedir(dir);
}

uint64_t cpu_snapshot_delta(const struct cpu_snapshot *before, const struct cpu_snapshot *after)
{
    uint64_t sum = 0;
    for (int i = 0; i < after->n; i++) {
        uint64_t base = 0;
        for (int j = 0; j < before->n; j++) {
            if (before->tid[j] == after->tid[i]) {
                base = before->ns[j];
                break;
            }
        }
        if (after->ns[i] > base) {
            sum += after->ns[i] - base;
        }
    }
    return sum;
}

uint64_t thread_cpu_ns(pid_t pid, pid_t tid)
{
    if (tid <= 0) {
        return 0;
    }
    char path[96];
    snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)pid, (int)tid);
    return read_schedstat(path);
}

void handshake(const char *line)
{
    printf("%s\n", line);
    fflush(stdout);
    struct pollfd p = { .fd = 0, .events = POLLIN };
    char answer[64];
    if (poll(&p, 1, 120000) <= 0 || fgets(answer, sizeof(answer), stdin) == NULL) {
        die("no answer from the runner", 0);
    }
}

void window_init(struct window *w, pid_t server_pid, pid_t server_tid, const char *ctl_fifo, const char *ack_fifo,
                 bool sync)
{
    memset(w, 0, sizeof(*w));
    w->sync = sync;
    w->server_pid = server_pid;
    w->server_tid = server_tid;
    w->perf_ctl = -1;
    w->perf_ack = -1;
    if (ctl_fifo != NULL && ack_fifo != NULL) {
        /* perf opened both fifos read-write, so these opens do not block. */
        w->perf_ctl = open(ctl_fifo, O_WRONLY | O_CLOEXEC);
        w->perf_ack = open(ack_fifo, O_RDONLY | O_CLOEXEC);
        if (w->perf_ctl < 0 || w->perf_ack < 0) {
            die("cannot open the perf control fifos", errno);
        }
    }
}

static void perf_command(struct window *w, const char *cmd)
{
    if (w->perf_ctl < 0) {
        return;
    }
    if (write(w->perf_ctl, cmd, strlen(cmd)) < 0) {
        die("perf control write", errno);
    }
    /* perf answers "ack\n"; read up to the newline (bounded by perf's liveness: it holds the fifo open). */
    char c;
    for (int i = 0; i < 16; i++) {
        ssize_t n = read(w->perf_ack, &c, 1);
        if (n <= 0) {
            die("perf did not acknowledge", n < 0 ? errno : 0);
        }
        if (c == '\n') {
            return;
        }
    }
}

void window_open(struct window *w)
{
    if (w->sync) {
        handshake("WINDOW open");
    }
    perf_command(w, "enable\n");
    if (w->server_pid > 0) {
        cpu_snapshot_take(&w->cpu_start, w->server_pid);
    }
    w->tid_cpu_start = thread_cpu_ns(w->server_pid, w->server_tid);
    w->start_ns = now_ns();
}

void window_close(struct window *w)
{
    w->end_ns = now_ns();
    if (w->server_pid > 0) {
        cpu_snapshot_take(&w->cpu_end, w->server_pid);
    }
    w->tid_cpu_end = thread_cpu_ns(w->server_pid, w->server_tid);
    perf_command(w, "disable\n");
    if (w->sync) {
        handshake("WINDOW close");
    }
}

uint64_t window_cpu_ns(const struct window *w)
{
    return cpu_snapshot_delta(&w->cpu_start, &w->cpu_end);
}

uint64_t window_io_thread_cpu_ns(const struct window *w)
{
    return w->tid_cpu_end > w->tid_cpu_start ? w->tid_cpu_end - w->tid_cpu_start : 0;
}

void set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        die("fcntl(O_NONBLOCK)", errno);
    }
}

int connect_loopback(int port, bool wait_connected)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (wait_connected ? 0 : SOCK_NONBLOCK), 0);
    if (fd < 0) {
        return -errno;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 && errno != EINPROGRESS) {
        int err = errno;
        close(fd);
        return -err;
    }
    if (wait_connected) {
        set_nonblocking(fd);
    }
    return fd;
}

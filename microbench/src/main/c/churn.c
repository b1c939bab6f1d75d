/*
 * Connection churn: `conns` lifecycles run side by side, each one connect, one 64-byte echo, close, then the next.
 * The server sees accept, one read and write, then end-of-stream and its own close, for every connection.
 */
#include "loadgen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHURN_MSG 64
#define STALL_NS 5000000000ull

enum slot_state { SLOT_IDLE, SLOT_CONNECTING, SLOT_ECHOING };

struct slot {
    int fd;
    enum slot_state state;
    size_t received;
    uint64_t started;
};

struct churn {
    int epfd;
    int port;
    int n;
    bool starting;
    struct slot *slots;
    uint64_t completed;      /* whole lifecycles, counted while latency != NULL */
    uint64_t total;          /* whole lifecycles, warm-up included */
    uint64_t addr_retries;   /* EADDRNOTAVAIL: no free local port yet (TIME_WAIT), retried */
    struct hist *latency;
    char msg[CHURN_MSG];
};

static void slot_start(struct churn *ch, int i, uint64_t now)
{
    struct slot *s = &ch->slots[i];
    int fd = connect_loopback(ch->port, false);
    if (fd == -EADDRNOTAVAIL) {
        ch->addr_retries++;
        return; /* stays idle; tried again on the next turn */
    }
    if (fd < 0) {
        die("connect", -fd);
    }
    struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = (uint32_t)i };
    if (epoll_ctl(ch->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        die("epoll_ctl", errno);
    }
    s->fd = fd;
    s->state = SLOT_CONNECTING;
    s->received = 0;
    s->started = now;
}

static void slot_event(struct churn *ch, int i, uint32_t events, uint64_t now)
{
    struct slot *s = &ch->slots[i];
    if (s->state == SLOT_CONNECTING) {
        if (events & (EPOLLERR | EPOLLHUP)) {
            die("connection failed", 0);
        }
        if (send(s->fd, ch->msg, CHURN_MSG, MSG_NOSIGNAL) != CHURN_MSG) {
            die("send", errno);
        }
        struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
        if (epoll_ctl(ch->epfd, EPOLL_CTL_MOD, s->fd, &ev) != 0) {
            die("epoll_ctl", errno);
        }
        s->state = SLOT_ECHOING;
        return;
    }
    char buf[CHURN_MSG];
    ssize_t n = recv(s->fd, buf, CHURN_MSG - s->received, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return;
    }
    if (n <= 0) {
        die(n == 0 ? "the server closed before echoing" : "recv", n == 0 ? 0 : errno);
    }
    if (memcmp(buf, ch->msg + s->received, (size_t)n) != 0) {
        die("echoed bytes differ from the bytes sent", 0);
    }
    s->received += (size_t)n;
    if (s->received < CHURN_MSG) {
        return;
    }
    close(s->fd); /* also leaves the epoll set */
    s->state = SLOT_IDLE;
    ch->total++;
    if (ch->latency != NULL) {
        ch->completed++;
        hist_record(ch->latency, now - s->started);
    }
}

static int active(const struct churn *ch)
{
    int a = 0;
    for (int i = 0; i < ch->n; i++) {
        a += ch->slots[i].state != SLOT_IDLE;
    }
    return a;
}

static void churn_run(struct churn *ch, uint64_t ns, struct hist *latency)
{
    ch->latency = latency;
    ch->starting = true;
    uint64_t start = now_ns();
    uint64_t last_progress = start;
    for (;;) {
        uint64_t now = now_ns();
        if (now - start >= ns) {
            ch->starting = false;
        }
        if (!ch->starting && active(ch) == 0) {
            break;
        }
        if (now - last_progress > STALL_NS) {
            die("no connection completed for 5 s", 0);
        }
        for (int i = 0; ch->starting && i < ch->n; i++) {
            if (ch->slots[i].state == SLOT_IDLE) {
                slot_start(ch, i, now);
            }
        }
        struct epoll_event evs[256];
        int n = epoll_wait(ch->epfd, evs, 256, 10);
        if (n < 0 && errno != EINTR) {
            die("epoll_wait", errno);
        }
        now = now_ns();
        for (int k = 0; k < n; k++) {
            slot_event(ch, (int)evs[k].data.u32, evs[k].events, now);
            last_progress = now;
        }
    }
    ch->latency = NULL;
}

int run_churn(const struct options *o)
{
    struct churn ch;
    memset(&ch, 0, sizeof(ch));
    ch.port = o->port;
    ch.n = o->conns;
    ch.slots = calloc((size_t)o->conns, sizeof(struct slot));
    ch.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (ch.slots == NULL || ch.epfd < 0) {
        die("setup", errno);
    }
    for (int i = 0; i < CHURN_MSG; i++) {
        ch.msg[i] = (char)(i * 5 + 3);
    }
    static struct hist latency;
    hist_reset(&latency);
    struct window w;
    window_init(&w, o->server_pid, o->server_tid, o->perf_ctl, o->perf_ack, o->sync);
    churn_run(&ch, o->warmup_ns, NULL);
    ch.completed = 0;
    uint64_t retries_before = ch.addr_retries;
    sleep_ns(2000000); /* the server finishes closing the warm-up's connections */
    window_open(&w);
    uint64_t t0 = now_ns();
    churn_run(&ch, o->duration_ns, &latency);
    double seconds = (double)(now_ns() - t0) / 1e9;
    sleep_ns(2000000); /* and this window's */
    window_close(&w);
    close(ch.epfd);
    free(ch.slots);
    printf("RESULT messages=%llu total=%llu seconds=%.6f rate=%.1f p50_us=%.2f p99_us=%.2f p999_us=%.2f "
           "addr_retries=%llu", (unsigned long long)ch.completed, (unsigned long long)ch.total, seconds,
           (double)ch.completed / seconds,
           (double)hist_quantile(&latency, 0.50) / 1e3, (double)hist_quantile(&latency, 0.99) / 1e3,
           (double)hist_quantile(&latency, 0.999) / 1e3, (unsigned long long)(ch.addr_retries - retries_before));
    print_window(&w);
    return 0;
}

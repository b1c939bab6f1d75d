/*
 * Persistent connections carrying fixed-size messages, `inflight` outstanding per connection: echo (ping-pong is
 * 1 connection x 1 in flight) and HTTP/1.1 keep-alive (pipelined when inflight > 1). A connection sends new
 * messages as soon as earlier ones complete, coalesced into one send() when several are due.
 */
#include "loadgen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHUNK 65536
#define ECHO_PERIOD 251 /* prime, so the pattern never lines up with message boundaries */
#define HEAD_MAX 1024
#define STALL_NS 5000000000ull

static const char HTTP_REQUEST[] = "GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

struct conn {
    int fd;
    bool want_out;
    uint64_t sent;       /* bytes sent */
    uint64_t received;   /* bytes received */
    uint64_t issued;     /* messages queued for sending */
    uint64_t done;       /* messages completed */
    uint64_t *stamps;    /* issue time of message m at [m % inflight] */
    /* HTTP response parser */
    bool in_body;
    size_t head_len;
    uint64_t body_left;
    char head[HEAD_MAX];
};

struct stream {
    enum protocol proto;
    int n;
    int inflight;
    size_t msg_len;
    size_t period;
    char *pattern;       /* period + CHUNK bytes: the byte at stream offset o is pattern[o % period] */
    int epfd;
    bool sending;
    struct stream_stats *stats;
    struct conn *conns;
    char rbuf[CHUNK];
};

struct stream *stream_open(enum protocol proto, int port, int conns, int inflight, int size)
{
    struct stream *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        die("out of memory", 0);
    }
    s->proto = proto;
    s->n = conns;
    s->inflight = inflight;
    if (proto == PROTO_HTTP) {
        s->msg_len = s->period = sizeof(HTTP_REQUEST) - 1;
    } else {
        s->msg_len = (size_t)size;
        s->period = ECHO_PERIOD;
    }
    s->pattern = malloc(s->period + CHUNK);
    s->conns = calloc((size_t)conns, sizeof(struct conn));
    if (s->pattern == NULL || s->conns == NULL) {
        die("out of memory", 0);
    }
    for (size_t i = 0; i < s->period + CHUNK; i++) {
        size_t o = i % s->period;
        s->pattern[i] = proto == PROTO_HTTP ? HTTP_REQUEST[o] : (char)(o * 7 + o / 13 + 1);
    }
    s->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (s->epfd < 0) {
        die("epoll_create1", errno);
    }
    for (int i = 0; i < conns; i++) {
        struct conn *c = &s->conns[i];
        c->fd = connect_loopback(port, true);
        if (c->fd < 0) {
            die("connect", -c->fd);
        }
        c->stamps = calloc((size_t)inflight, sizeof(uint64_t));
        if (c->stamps == NULL) {
            die("out of memory", 0);
        }
        struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
        if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, c->fd, &ev) != 0) {
            die("epoll_ctl", errno);
        }
    }
    return s;
}

void stream_close(struct stream *s)
{
    for (int i = 0; i < s->n; i++) {
        close(s->conns[i].fd);
        free(s->conns[i].stamps);
    }
    close(s->epfd);
    free(s->conns);
    free(s->pattern);
    free(s);
}

static void want_output(struct stream *s, int i, bool on)
{
    struct conn *c = &s->conns[i];
    if (c->want_out == on) {
        return;
    }
    struct epoll_event ev = { .events = EPOLLIN | (on ? EPOLLOUT : 0), .data.u32 = (uint32_t)i };
    if (epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev) != 0) {
        die("epoll_ctl", errno);
    }
    c->want_out = on;
}

/* Queues the messages that are due and sends what the socket takes. */
static void pump(struct stream *s, int i, uint64_t now)
{
    struct conn *c = &s->conns[i];
    if (s->sending) {
        while (c->issued < c->done + (uint64_t)s->inflight) {
            c->stamps[c->issued % (uint64_t)s->inflight] = now;
            c->issued++;
        }
    }
    uint64_t due = c->issued * s->msg_len;
    while (c->sent < due) {
        size_t len = due - c->sent < CHUNK ? (size_t)(due - c->sent) : CHUNK;
        ssize_t n = send(c->fd, s->pattern + c->sent % s->period, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                want_output(s, i, true);
                return;
            }
            die("send", errno);
        }
        c->sent += (uint64_t)n;
    }
    want_output(s, i, false);
}

static void complete(struct stream *s, struct conn *c, uint64_t now)
{
    if (s->stats != NULL) {
        s->stats->messages++;
        hist_record(&s->stats->latency, now - c->stamps[c->done % (uint64_t)s->inflight]);
    }
    c->done++;
    if (c->done > c->issued) {
        die("more responses than requests", 0);
    }
}

static void consume_echo(struct stream *s, struct conn *c, const char *buf, size_t n, uint64_t now)
{
    if (memcmp(buf, s->pattern + c->received % s->period, n) != 0) {
        die("echoed bytes differ from the bytes sent", 0);
    }
    c->received += n;
    while (c->done < c->received / s->msg_len) {
        complete(s, c, now);
    }
}

static void parse_head(struct conn *c)
{
    c->head[c->head_len] = '\0';
    if (strncmp(c->head, "HTTP/1.1 200 ", 13) != 0) {
        fprintf(stderr, "loadgen: unexpected response: %.60s\n", c->head);
        die("HTTP status is not 200", 0);
    }
    const char *p = c->head;
    while ((p = strchr(p, '\n')) != NULL) {
        p++;
        if (strncasecmp(p, "content-length:", 15) == 0) {
            c->body_left = strtoull(p + 15, NULL, 10);
            return;
        }
    }
    die("HTTP response without content-length", 0);
}

static void consume_http(struct stream *s, struct conn *c, const char *buf, size_t n, uint64_t now)
{
    size_t i = 0;
    while (i < n) {
        if (c->in_body) {
            size_t take = n - i < c->body_left ? n - i : (size_t)c->body_left;
            c->body_left -= take;
            i += take;
        } else {
            if (c->head_len >= HEAD_MAX - 1) {
                die("HTTP response head too long", 0);
            }
            c->head[c->head_len++] = buf[i++];
            if (c->head_len >= 4 && memcmp(c->head + c->head_len - 4, "\r\n\r\n", 4) == 0) {
                parse_head(c);
                c->in_body = true;
            }
        }
        if (c->in_body && c->body_left == 0) {
            c->in_body = false;
            c->head_len = 0;
            complete(s, c, now);
        }
    }
}

static void on_event(struct stream *s, int i, uint32_t events)
{
    struct conn *c = &s->conns[i];
    uint64_t now = now_ns();
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        ssize_t n = recv(c->fd, s->rbuf, CHUNK, 0);
        if (n == 0) {
            die("the server closed a connection", 0);
        }
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                die("recv", errno);
            }
        } else {
            if (s->stats != NULL) {
                s->stats->bytes += (uint64_t)n;
            }
            if (s->proto == PROTO_HTTP) {
                consume_http(s, c, s->rbuf, (size_t)n, now);
            } else {
                consume_echo(s, c, s->rbuf, (size_t)n, now);
            }
        }
    }
    pump(s, i, now);
}

static bool all_done(const struct stream *s)
{
    for (int i = 0; i < s->n; i++) {
        if (s->conns[i].done != s->conns[i].issued) {
            return false;
        }
    }
    return true;
}

static void poll_once(struct stream *s)
{
    struct epoll_event evs[256];
    int n = epoll_wait(s->epfd, evs, 256, 10);
    if (n < 0 && errno != EINTR) {
        die("epoll_wait", errno);
    }
    for (int k = 0; k < n; k++) {
        on_event(s, (int)evs[k].data.u32, evs[k].events);
    }
}

static uint64_t total_done(const struct stream *s)
{
    uint64_t sum = 0;
    for (int i = 0; i < s->n; i++) {
        sum += s->conns[i].done;
    }
    return sum;
}

void stream_run(struct stream *s, uint64_t ns, struct stream_stats *stats)
{
    s->stats = stats;
    s->sending = true;
    uint64_t start = now_ns();
    uint64_t last_progress = start;
    uint64_t last_done = total_done(s);
    for (int i = 0; i < s->n; i++) {
        pump(s, i, start);
    }
    for (uint64_t now = start; now - start < ns; now = now_ns()) {
        poll_once(s);
        uint64_t d = total_done(s);
        if (d != last_done) {
            last_done = d;
            last_progress = now;
        } else if (now - last_progress > STALL_NS) {
            die("no message completed for 5 s", 0);
        }
    }
    /* Stop issuing and let everything in flight come back, so the window ends with the server idle. */
    s->sending = false;
    uint64_t drain_start = now_ns();
    while (!all_done(s)) {
        if (now_ns() - drain_start > STALL_NS) {
            die("in-flight messages did not come back within 5 s", 0);
        }
        poll_once(s);
    }
    s->stats = NULL;
}

int run_stream_scenario(const struct options *o, enum protocol proto)
{
    struct stream *s = stream_open(proto, o->port, o->conns, o->inflight, o->size);
    struct window w;
    window_init(&w, o->server_pid, o->server_tid, o->perf_ctl, o->perf_ack, o->sync);
    stream_run(s, o->warmup_ns, NULL);
    static struct stream_stats stats;
    memset(&stats, 0, sizeof(stats));
    sleep_ns(1000000); /* the server goes back to waiting before the window opens */
    window_open(&w);
    uint64_t t0 = now_ns();
    stream_run(s, o->duration_ns, &stats);
    double active = (double)(now_ns() - t0) / 1e9;
    sleep_ns(1000000); /* and finishes what the last message caused before it closes */
    window_close(&w);
    uint64_t total = total_done(s);
    stream_close(s);
    printf("RESULT messages=%llu total=%llu seconds=%.6f rate=%.1f mib_s=%.2f p50_us=%.2f p99_us=%.2f "
           "p999_us=%.2f", (unsigned long long)stats.messages, (unsigned long long)total, active,
           (double)stats.messages / active,
           (double)stats.bytes / active / 1048576.0, (double)hist_quantile(&stats.latency, 0.50) / 1e3,
           (double)hist_quantile(&stats.latency, 0.99) / 1e3, (double)hist_quantile(&stats.latency, 0.999) / 1e3);
    print_window(&w);
    return 0;
}

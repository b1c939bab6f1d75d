/*
 * Many idle connections plus one ping-pong. Each idle connection makes one echo when it is opened (so the server
 * has surely accepted and registered it), then stays silent. The runner measures the server's memory while they
 * are open (it tells us to go on through stdin); then the server's CPU is watched with no traffic at all, and
 * finally one more connection ping-pongs while the idle ones stay open.
 */
#include "loadgen.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define IDLE_MSG 64
#define IDLE_SETTLE_NS 1000000000ull

static void echo_once(int fd)
{
    char out[IDLE_MSG];
    char in[IDLE_MSG];
    for (int i = 0; i < IDLE_MSG; i++) {
        out[i] = (char)(i * 3 + 1);
    }
    if (send(fd, out, IDLE_MSG, MSG_NOSIGNAL) != IDLE_MSG) {
        die("send", errno);
    }
    size_t got = 0;
    while (got < IDLE_MSG) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, 5000) <= 0) {
            die("no echo within 5 s on an idle connection", errno);
        }
        ssize_t n = recv(fd, in + got, IDLE_MSG - got, 0);
        if (n <= 0 && !(n < 0 && errno == EAGAIN)) {
            die("recv on an idle connection", n == 0 ? 0 : errno);
        }
        if (n > 0) {
            got += (size_t)n;
        }
    }
    if (memcmp(in, out, IDLE_MSG) != 0) {
        die("echoed bytes differ from the bytes sent", 0);
    }
}

int run_idle(const struct options *o)
{
    int *fds = calloc((size_t)o->idle_conns, sizeof(int));
    if (fds == NULL) {
        die("out of memory", 0);
    }
    uint64_t t0 = now_ns();
    for (int i = 0; i < o->idle_conns; i++) {
        fds[i] = connect_loopback(o->port, true);
        if (fds[i] < 0) {
            die("connect (idle connection)", -fds[i]);
        }
        echo_once(fds[i]);
    }
    double connect_s = (double)(now_ns() - t0) / 1e9;
    handshake("CONNECTED");
    /* Let the server settle first: the connect burst leaves compilations and the runner's memory sample leaves
     * GC work behind, JVM noise that is not the transport's idle cost. */
    sleep_ns(IDLE_SETTLE_NS);

    struct window idle;
    window_init(&idle, o->server_pid, o->server_tid, NULL, NULL, false);
    window_open(&idle);
    sleep_ns(o->idle_ns);
    window_close(&idle);

    struct stream *s = stream_open(PROTO_ECHO, o->port, 1, 1, IDLE_MSG);
    struct window w;
    window_init(&w, o->server_pid, o->server_tid, o->perf_ctl, o->perf_ack, o->sync);
    stream_run(s, o->warmup_ns, NULL);
    static struct stream_stats stats;
    memset(&stats, 0, sizeof(stats));
    sleep_ns(1000000);
    window_open(&w);
    uint64_t t1 = now_ns();
    stream_run(s, o->duration_ns, &stats);
    double active = (double)(now_ns() - t1) / 1e9;
    sleep_ns(1000000);
    window_close(&w);
    stream_close(s);
    printf("RESULT idle_conns=%d connect_s=%.3f idle_s=%.6f idle_cpu_ns=%llu idle_io_cpu_ns=%llu "
           "messages=%llu seconds=%.6f rate=%.1f p50_us=%.2f p99_us=%.2f p999_us=%.2f",
           o->idle_conns, connect_s, (double)(idle.end_ns - idle.start_ns) / 1e9,
           (unsigned long long)window_cpu_ns(&idle), (unsigned long long)window_io_thread_cpu_ns(&idle),
           (unsigned long long)stats.messages, active, (double)stats.messages / active,
           (double)hist_quantile(&stats.latency, 0.50) / 1e3, (double)hist_quantile(&stats.latency, 0.99) / 1e3,
           (double)hist_quantile(&stats.latency, 0.999) / 1e3);
    print_window(&w);
    for (int i = 0; i < o->idle_conns; i++) {
        close(fds[i]);
    }
    free(fds);
    return 0;
}

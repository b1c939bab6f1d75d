/*
 * loadgen: the comparison runner's load generator, the same for every server under test.
 *
 *   loadgen --scenario=echo|http|churn|idle --port=P [--conns=N] [--inflight=N] [--size=BYTES]
 *           [--idle-conns=N] [--warmup-ms=MS] [--duration-ms=MS] [--idle-ms=MS]
 *           [--server-pid=PID] [--server-tid=TID] [--perf-ctl=FIFO --perf-ack=FIFO] [--sync=1]
 *
 * Runs a warm-up, then one measurement window, and prints "RESULT key=value ..." on stdout. The server's CPU time
 * inside the window is read from /proc/<server-pid>; with --perf-ctl/--perf-ack, perf stat's counters are enabled
 * for exactly the window. With --sync=1 it prints "WINDOW open" / "WINDOW close" at the window's edges (no traffic
 * in flight) and waits for a line on stdin each time, so the runner can sample the server there; the idle scenario
 * likewise prints "CONNECTED" once its idle connections are open. Exit status 0, or 1 with a message on stderr
 * (wrong byte, closed connection, stall).
 */
#include "loadgen.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static long number(const char *arg, const char *value, long min, long max)
{
    char *end;
    long v = strtol(value, &end, 10);
    if (*value == '\0' || *end != '\0' || v < min || v > max) {
        fprintf(stderr, "loadgen: bad value for %s\n", arg);
        exit(64);
    }
    return v;
}

static void parse(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof(*o));
    o->conns = 1;
    o->inflight = 1;
    o->size = 64;
    o->idle_conns = 10000;
    o->warmup_ns = 500000000ull;
    o->duration_ns = 2000000000ull;
    o->idle_ns = 1000000000ull;
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (strncmp(argv[i], "--", 2) != 0 || eq == NULL) {
            fprintf(stderr, "loadgen: unknown argument %s\n", argv[i]);
            exit(64);
        }
        *eq = '\0';
        const char *k = argv[i] + 2;
        const char *v = eq + 1;
        if (strcmp(k, "scenario") == 0) {
            o->scenario = v;
        } else if (strcmp(k, "port") == 0) {
            o->port = (int)number(k, v, 1, 65535);
        } else if (strcmp(k, "conns") == 0) {
            o->conns = (int)number(k, v, 1, 100000);
        } else if (strcmp(k, "inflight") == 0) {
            o->inflight = (int)number(k, v, 1, 4096);
        } else if (strcmp(k, "size") == 0) {
            o->size = (int)number(k, v, 1, 1 << 20);
        } else if (strcmp(k, "idle-conns") == 0) {
            o->idle_conns = (int)number(k, v, 0, 1000000);
        } else if (strcmp(k, "warmup-ms") == 0) {
            o->warmup_ns = (uint64_t)number(k, v, 0, 600000) * 1000000ull;
        } else if (strcmp(k, "duration-ms") == 0) {
            o->duration_ns = (uint64_t)number(k, v, 1, 600000) * 1000000ull;
        } else if (strcmp(k, "idle-ms") == 0) {
            o->idle_ns = (uint64_t)number(k, v, 1, 600000) * 1000000ull;
        } else if (strcmp(k, "server-pid") == 0) {
            o->server_pid = (pid_t)number(k, v, 0, 1 << 30);
        } else if (strcmp(k, "server-tid") == 0) {
            o->server_tid = (pid_t)number(k, v, 0, 1 << 30);
        } else if (strcmp(k, "perf-ctl") == 0) {
            o->perf_ctl = v;
        } else if (strcmp(k, "perf-ack") == 0) {
            o->perf_ack = v;
        } else if (strcmp(k, "sync") == 0) {
            o->sync = number(k, v, 0, 1) == 1;
        } else {
            fprintf(stderr, "loadgen: unknown option --%s\n", k);
            exit(64);
        }
    }
    if (o->scenario == NULL || o->port == 0) {
        fprintf(stderr, "loadgen: --scenario and --port are required\n");
        exit(64);
    }
}

void print_window(const struct window *w)
{
    printf(" window_s=%.6f server_cpu_ns=%llu io_cpu_ns=%llu\n", (double)(w->end_ns - w->start_ns) / 1e9,
           (unsigned long long)window_cpu_ns(w), (unsigned long long)window_io_thread_cpu_ns(w));
    fflush(stdout);
}

int main(int argc, char **argv)
{
    struct options o;
    parse(argc, argv, &o);
    signal(SIGPIPE, SIG_IGN);
    /* The idle scenario needs more descriptors than the usual soft limit of 1024. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (strcmp(o.scenario, "echo") == 0) {
        return run_stream_scenario(&o, PROTO_ECHO);
    }
    if (strcmp(o.scenario, "http") == 0) {
        return run_stream_scenario(&o, PROTO_HTTP);
    }
    if (strcmp(o.scenario, "churn") == 0) {
        return run_churn(&o);
    }
    if (strcmp(o.scenario, "idle") == 0) {
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)o.idle_conns + 64) {
            fprintf(stderr, "loadgen: RLIMIT_NOFILE %llu is too low for %d idle connections\n",
                    (unsigned long long)rl.rlim_cur, o.idle_conns);
            return 1;
        }
        return run_idle(&o);
    }
    fprintf(stderr, "loadgen: unknown scenario %s\n", o.scenario);
    return 64;
}

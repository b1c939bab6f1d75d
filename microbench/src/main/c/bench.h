/*
 * Shared by the load generator and the raw C echo server of the comparison runner: clocks, a latency histogram,
 * the server's CPU time read from /proc, the perf-stat control window, and small socket helpers.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t now_ns(void);
void sleep_ns(uint64_t ns);

/* Prints "<program>: <message>" with errno text when errnum != 0, then exits with status 1. */
_Noreturn void die(const char *what, int errnum);

/*
 * Log-linear histogram of nanosecond values: exact below 128, then 64 sub-buckets per power of two (at most 1.6%
 * error), up to 2^40 ns. Fixed size, no allocation while recording.
 */
#define HIST_SUB 64
#define HIST_BUCKETS (128 + 34 * HIST_SUB)
struct hist {
    uint64_t count;
    uint64_t buckets[HIST_BUCKETS];
};
void hist_reset(struct hist *h);
void hist_record(struct hist *h, uint64_t ns);
/* The value at quantile q (0..1): the midpoint of the bucket that holds it; 0 when empty. */
uint64_t hist_quantile(const struct hist *h, double q);

/*
 * The CPU time of each thread of a process (sum_exec_runtime of /proc/<pid>/task/<tid>/schedstat, nanoseconds).
 * The CPU used between two snapshots is summed per thread, so a thread that starts or exits in between (the JVM's
 * compiler threads come and go) neither goes negative nor counts its earlier life.
 */
#define CPU_SNAPSHOT_MAX 1024
struct cpu_snapshot {
    int n;
    pid_t tid[CPU_SNAPSHOT_MAX];
    uint64_t ns[CPU_SNAPSHOT_MAX];
};
void cpu_snapshot_take(struct cpu_snapshot *s, pid_t pid);
uint64_t cpu_snapshot_delta(const struct cpu_snapshot *before, const struct cpu_snapshot *after);
/* One thread's CPU time (/proc/<pid>/task/<tid>/schedstat), 0 if unknown. */
uint64_t thread_cpu_ns(pid_t pid, pid_t tid);

/*
 * A measurement window: the span in which the server's CPU time (and, when perf is attached, its syscalls) are
 * counted. Opening and closing sample the CPU and send "enable"/"disable" to perf stat's control fifo, waiting for
 * its acknowledgement so that the counters cover exactly the window; with sync, the runner is told too and can
 * read the server's own counters (its allocated bytes) at the same two points, while no traffic flows.
 */
struct window {
    pid_t server_pid;
    pid_t server_tid;      /* the I/O thread, 0 if unknown */
    bool sync;             /* tell the runner on stdout ("WINDOW open|close") and wait for its "go" */
    int perf_ctl;          /* -1 without perf */
    int perf_ack;
    uint64_t start_ns, end_ns;
    struct cpu_snapshot cpu_start, cpu_end;
    uint64_t tid_cpu_start, tid_cpu_end;
};
/* Server CPU used inside the window (whole process), and by its I/O thread alone. */
uint64_t window_cpu_ns(const struct window *w);
uint64_t window_io_thread_cpu_ns(const struct window *w);
void window_init(struct window *w, pid_t server_pid, pid_t server_tid, const char *ctl_fifo, const char *ack_fifo,
                 bool sync);
/* Prints "<line>" on stdout and waits (at most 2 minutes) for a line on stdin; exits if none comes. */
void handshake(const char *line);
void window_open(struct window *w);
void window_close(struct window *w);

/* A TCP connection to 127.0.0.1:port, TCP_NODELAY, non-blocking; -errno on failure. */
int connect_loopback(int port, bool wait_connected);
void set_nonblocking(int fd);

#endif

/*
 * The load generator's scenarios. Each drives its connections from one thread with epoll, on the core the runner
 * gives it, and reports one "RESULT key=value ..." line on stdout.
 */
#ifndef LOADGEN_H
#define LOADGEN_H

#include "bench.h"

struct options {
    const char *scenario;  /* echo | http | churn | idle */
    int port;
    int conns;             /* connections (echo, http) or concurrent connection lifecycles (churn) */
    int inflight;          /* messages in flight per connection (echo: messages, http: pipelined requests) */
    int size;              /* echo message size in bytes */
    int idle_conns;        /* idle: connections held open */
    uint64_t warmup_ns;
    uint64_t duration_ns;
    uint64_t idle_ns;      /* idle: how long the server's CPU is watched with no traffic */
    pid_t server_pid;
    pid_t server_tid;
    const char *perf_ctl;
    const char *perf_ack;
    bool sync;             /* --sync: handshake with the runner at the window's edges */
};

/*
 * Streams of fixed-size messages over persistent connections, each connection keeping `inflight` messages
 * outstanding: echo (every echoed byte is checked) and HTTP/1.1 keep-alive requests (pipelined when inflight > 1).
 */
enum protocol { PROTO_ECHO, PROTO_HTTP };

struct stream_stats {
    uint64_t messages;     /* completed inside the window */
    uint64_t bytes;        /* payload bytes received inside the window */
    struct hist latency;   /* per message: from its first byte sent to its last byte (or response) received */
};

struct stream;
struct stream *stream_open(enum protocol proto, int port, int conns, int inflight, int size);
/* Runs the traffic for `ns`, then stops sending and waits for what is in flight (bounded). */
void stream_run(struct stream *s, uint64_t ns, struct stream_stats *stats);
void stream_close(struct stream *s);

int run_stream_scenario(const struct options *o, enum protocol proto);
int run_churn(const struct options *o);
int run_idle(const struct options *o);

/* Prints the common part of a RESULT line: window length, server CPU, I/O-thread CPU. */
void print_window(const struct window *w);

#endif

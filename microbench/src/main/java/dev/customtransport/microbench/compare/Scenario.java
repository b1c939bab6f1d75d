package dev.customtransport.microbench.compare;

import java.util.List;

/** The comparison's scenarios: what the load generator does, and how its figures are read. */
enum Scenario {
    PING_PONG("ping-pong", "echo, 1 connection x 1 in flight, 64 B", "msg", false, false,
            List.of("--scenario=echo", "--conns=1", "--inflight=1", "--size=64")),
    ECHO_32X16("echo-32x16", "echo, 32 connections x 16 in flight, 64 B", "msg", true, false,
            List.of("--scenario=echo", "--conns=32", "--inflight=16", "--size=64")),
    BULK("bulk-16k", "echo, 4 connections x 4 in flight, 16 KiB messages", "msg", true, false,
            List.of("--scenario=echo", "--conns=4", "--inflight=4", "--size=16384")),
    HTTP("http", "HTTP/1.1 plaintext, 50 keep-alive connections, 1 request in flight each", "req", true, true,
            List.of("--scenario=http", "--conns=50", "--inflight=1")),
    HTTP_PIPELINED("http-pipelined", "HTTP/1.1 plaintext, 50 keep-alive connections, pipelined 16 deep", "req",
            true, true, List.of("--scenario=http", "--conns=50", "--inflight=16")),
    CHURN("churn", "connect, one 64 B echo, close; 16 connections at a time", "conn", false, false,
            List.of("--scenario=churn", "--conns=16")),
    IDLE("idle-10k", "10,000 idle connections (idle CPU, memory), plus one 64 B ping-pong", "msg", false, false,
            List.of("--scenario=idle"));

    final String id;
    final String description;
    /** What one "message" is in this scenario's per-message figures. */
    final String unit;
    /** A throughput scenario: the server CPU per message target applies. */
    final boolean throughput;
    final boolean http;
    final List<String> loadArgs;

    Scenario(String id, String description, String unit, boolean throughput, boolean http, List<String> loadArgs) {
        this.id = id;
        this.description = description;
        this.unit = unit;
        this.throughput = throughput;
        this.http = http;
        this.loadArgs = loadArgs;
    }

    /** An echo scenario: where the syscalls-per-message target applies. */
    boolean isEcho() {
        return this == PING_PONG || this == ECHO_32X16 || this == BULK || this == IDLE;
    }

    static Scenario byId(String id) {
        for (Scenario s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario " + id);
    }
}

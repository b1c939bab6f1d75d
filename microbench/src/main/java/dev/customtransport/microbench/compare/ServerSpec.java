package dev.customtransport.microbench.compare;

import dev.customtransport.microbench.server.ServerTransport;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** One server under test: a JVM transport, or the raw C epoll echo server. */
final class ServerSpec {
    static final String C_EPOLL = "c-epoll";
    static final String EPOLL = ServerTransport.EPOLL.id();

    final String id;
    final String label;
    /** Null for the C server. */
    final ServerTransport transport;
    /** Null: every scenario. */
    final Set<Scenario> only;

    private ServerSpec(String id, String label, ServerTransport transport, Set<Scenario> only) {
        this.id = id;
        this.label = label;
        this.transport = transport;
        this.only = only;
    }

    boolean runs(Scenario s) {
        return only == null || only.contains(s);
    }

    boolean isJvm() {
        return transport != null;
    }

    /** Every server the runner knows, in table order. */
    static List<ServerSpec> all() {
        List<ServerSpec> list = new ArrayList<>();
        list.add(new ServerSpec(C_EPOLL, "raw C epoll (floor)", null, null));
        for (ServerTransport t : List.of(ServerTransport.CUSTOM_LT, ServerTransport.CUSTOM_ET, ServerTransport.EPOLL,
                ServerTransport.IO_URING, ServerTransport.NIO)) {
            list.add(new ServerSpec(t.id(), t.label(), t, null));
        }
        list.add(new ServerSpec(ServerTransport.CUSTOM_LT_SPIN.id(), ServerTransport.CUSTOM_LT_SPIN.label(),
                ServerTransport.CUSTOM_LT_SPIN, Set.of(Scenario.PING_PONG)));
        return list;
    }

    static ServerSpec byId(String id) {
        for (ServerSpec s : all()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown server " + id);
    }
}

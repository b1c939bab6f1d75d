package dev.customtransport.testsuite;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP address on this machine where a connection attempt times out, for Netty's connect-timeout tests.
 *
 * <p>Netty's testsuite aims those tests at {@code 198.51.100.254:65535} unless the system properties
 * {@value #HOST_PROPERTY} / {@value #PORT_PROPERTY} say otherwise; it reads them once, in
 * {@code SocketTestPermutation}'s static initialiser. Tests here must not send packets off this machine, so this
 * class opens a listener on 127.0.0.1 with the smallest backlog, never accepts, and fills its accept queue with
 * connections it keeps open. Linux then drops every further SYN to that port (the client retransmits until its
 * timeout), which is exactly what a black-holed address does. It then points the two properties at it.
 *
 * <p>Started by {@link BadHostSessionListener} when the JUnit launcher session opens (before any test class is
 * loaded) and closed when the last session closes; {@link ReadinessModeExtension} starts it too, as a fallback.
 */
public final class BadHost {

    public static final String HOST_PROPERTY = "io.netty.testsuite.badHost";
    public static final String PORT_PROPERTY = "io.netty.testsuite.badPort";

    /** Connect timeout that tells a filled accept queue (SYN dropped) from a free slot (handshake in microseconds). */
    private static final int PROBE_TIMEOUT_MILLIS = 250;
    /** Bound on filler connections: Linux queues backlog + 1 = 2; other kernels a few more. */
    private static final int MAX_FILLERS = 64;

    private static ServerSocket listener;
    private static final List<Socket> fillers = new ArrayList<>();
    private static int sessions;
    private static boolean pinned;
    /** The port the properties were last set to: a restart reuses it, as Netty may have read it already. */
    private static int lastPort;

    private BadHost() { }

    /** A launcher session opened: start (if needed) and count it. */
    static synchronized void acquire() {
        start();
        sessions++;
    }

    /** A launcher session closed: stop when none is left (unless a fallback start pinned it for the JVM's life). */
    static synchronized void release() {
        if (sessions > 0 && --sessions == 0 && !pinned) {
            stop();
        }
    }

    /** Starts the bad host if no session did; it then stays up until the JVM exits. */
    public static synchronized void ensureStarted() {
        if (listener == null) {
            start();
            pinned = true;
            Runtime.getRuntime().addShutdownHook(new Thread(BadHost::stopQuietly, "bad-host-close"));
        }
    }

    /** The address the properties point at; starts the bad host if needed. */
    public static synchronized InetSocketAddress address() {
        ensureStarted();
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    private static void start() {
        if (listener != null) {
            return;
        }
        InetSocketAddress address;
        try {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            ServerSocket ss = new ServerSocket();
            try {
                ss.bind(new InetSocketAddress(loopback, lastPort), 1);
            } catch (IOException portTaken) {
                ss.close();
                ss = new ServerSocket();
                ss.bind(new InetSocketAddress(loopback, 0), 1);
            }
            listener = ss;
            address = (InetSocketAddress) ss.getLocalSocketAddress();
            boolean full = false;
            while (!full && fillers.size() < MAX_FILLERS) {
                Socket s = new Socket();
                try {
                    s.connect(address, PROBE_TIMEOUT_MILLIS);
                    fillers.add(s);
                } catch (SocketTimeoutException expected) {
                    full = true;
                    s.close();
                }
            }
            if (!full) {
                // Never send the connect-timeout tests off this machine: keep pointing them here and let
                // BadHostTest fail loudly instead.
                System.err.println("[BadHost] " + address + " still accepts connections after " + fillers.size()
                        + " queued ones; connect-timeout tests will not time out");
            }
        } catch (IOException e) {
            stop();
            throw new IllegalStateException("cannot set up the loopback bad host", e);
        }
        System.setProperty(HOST_PROPERTY, address.getAddress().getHostAddress());
        System.setProperty(PORT_PROPERTY, Integer.toString(address.getPort()));
        lastPort = address.getPort();
    }

    private static synchronized void stopQuietly() {
        stop();
    }

    private static void stop() {
        for (Socket s : fillers) {
            try {
                s.close();
            } catch (IOException ignore) {
                // closing anyway
            }
        }
        fillers.clear();
        if (listener != null) {
            try {
                listener.close();
            } catch (IOException ignore) {
                // closing anyway
            }
            listener = null;
        }
    }
}

package dev.customtransport;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Which sides of TCP fast open the kernel allows, from {@code /proc/sys/net/ipv4/tcp_fastopen} read once: bit 0x1
 * lets clients send data in the SYN, bit 0x2 lets servers accept it. A server option set while the server side is
 * off still reaches the socket (the kernel takes it) but has no effect; that is logged once, with the sysctl value.
 */
final class TcpFastOpen {
    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(TcpFastOpen.class);
    private static final Path SYSCTL = Paths.get("/proc/sys/net/ipv4/tcp_fastopen");
    private static final int MODE = readMode();
    static final boolean CLIENT = (MODE & 1) != 0;
    static final boolean SERVER = (MODE & 2) != 0;
    private static volatile boolean serverWarned;

    private TcpFastOpen() { }

    private static int readMode() {
        try {
            return Integer.parseInt(new String(Files.readAllBytes(SYSCTL), StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException | SecurityException e) {
            return 0;
        }
    }

    /** Called when a server asks for a fast-open queue. */
    static void serverRequested(int queueLength) {
        if (queueLength > 0 && !SERVER && !serverWarned) {
            serverWarned = true;
            LOGGER.warn("TCP_FASTOPEN={} set on a server, but the kernel's server side of TCP fast open is off "
                    + "({}={}, needs bit 0x2): connections use the ordinary handshake", queueLength, SYSCTL, MODE);
        }
    }
}

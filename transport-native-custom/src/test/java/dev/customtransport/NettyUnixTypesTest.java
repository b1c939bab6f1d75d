package dev.customtransport;

import io.netty.channel.ChannelOption;
import io.netty.channel.unix.FileDescriptor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty's unix types work with our library, run twice by the build: without Netty's epoll jar on the class path
 * (our natives are the only ones), and with it, Netty's epoll library loaded before ours (surefire execution
 * {@code with-netty-epoll}, {@code -Ddev.customtransport.test.nettyEpoll=true}).
 */
class NettyUnixTypesTest {
    private static final boolean WITH_NETTY_EPOLL = Boolean.getBoolean("dev.customtransport.test.nettyEpoll");

    @TempDir
    Path dir;

    @BeforeAll
    static void loadInOrder() throws Exception {
        if (WITH_NETTY_EPOLL) {
            Class<?> epoll = Class.forName("io.netty.channel.epoll.Epoll");
            epoll.getMethod("ensureAvailability").invoke(null);
        } else {
            assertThrows(ClassNotFoundException.class, () -> Class.forName("io.netty.channel.epoll.Epoll"),
                    "Netty's epoll transport must not be on this run's class path");
        }
        Custom.ensureAvailability();
    }

    @Test
    void pipesReadAndWrite() throws IOException {
        FileDescriptor[] pipe = FileDescriptor.pipe();
        try {
            ByteBuffer out = ByteBuffer.allocateDirect(5).put("hello".getBytes(StandardCharsets.US_ASCII)).flip();
            assertEquals(5, pipe[1].write(out, 0, 5));
            ByteBuffer in = ByteBuffer.allocateDirect(16);
            assertEquals(5, pipe[0].read(in, 0, 16));
            assertEquals('h', in.get(0));
            // Nothing left: a non-blocking pipe reports 0 (EAGAIN through Netty's Errors, whose natives we serve).
            assertEquals(0, pipe[0].read(in, 0, 16));
        } finally {
            pipe[0].close();
            pipe[1].close();
        }
        assertFalse(pipe[0].isOpen());
    }

    @Test
    void filesOpenForWriting() throws IOException {
        Path file = dir.resolve("out.bin");
        FileDescriptor fd = FileDescriptor.from(file.toFile());
        try {
            ByteBuffer out = ByteBuffer.allocateDirect(3).put(new byte[] { 1, 2, 3 }).flip();
            assertEquals(3, fd.write(out, 0, 3));
        } finally {
            fd.close();
        }
        assertEquals(3, Files.size(file));
    }

    @Test
    void failuresBecomeNettysExceptions() throws IOException {
        FileDescriptor[] pipe = FileDescriptor.pipe();
        pipe[0].close();
        pipe[1].close();
        // A number nobody has: close fails with EBADF, named by Netty's Errors.
        FileDescriptor bogus = new FileDescriptor(pipe[0].intValue());
        IOException e = assertThrows(IOException.class, bogus::close);
        assertTrue(e.getMessage().contains("close"), e.getMessage());
    }

    @Test
    void epollChannelOptionsAreOurs() throws Exception {
        if (!WITH_NETTY_EPOLL) {
            assertEquals("io.netty.channel.epoll.EpollChannelOption#TCP_CORK", CustomChannelOption.TCP_CORK.name());
            return;
        }
        Class<?> options = Class.forName("io.netty.channel.epoll.EpollChannelOption");
        for (String name : new String[] { "TCP_CORK", "TCP_KEEPIDLE", "TCP_QUICKACK", "SO_BUSY_POLL", "TCP_MD5SIG",
                "IP_FREEBIND", "IP_TRANSPARENT", "IP_RECVORIGDSTADDR", "UDP_GRO", "MAX_DATAGRAM_PAYLOAD_SIZE",
                "TCP_DEFER_ACCEPT", "TCP_USER_TIMEOUT", "TCP_NOTSENT_LOWAT", "IP_MULTICAST_ALL",
                "IP_BIND_ADDRESS_NO_PORT", "SO_REUSEPORT", "DOMAIN_SOCKET_READ_MODE", "TCP_KEEPINTVL",
                "TCP_KEEPCNT" }) {
            ChannelOption<?> ours = (ChannelOption<?>) CustomChannelOption.class.getField(name).get(null);
            ChannelOption<?> theirs;
            try {
                theirs = (ChannelOption<?>) options.getField(name).get(null);
            } catch (NoSuchFieldException e) {
                // Newer than this Netty (IP_MULTICAST_ALL is not in 4.2.7's). Ours bears the name Netty's later
                // releases give it (a plain "IP_MULTICAST_ALL"), so the two are one constant after an upgrade.
                assertEquals(name, ours.name());
                continue;
            }
            assertSame(theirs, ours, name);
        }
    }
}

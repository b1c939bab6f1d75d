package dev.customtransport.testsuite;

import io.netty.testsuite.transport.socket.SocketTestPermutation;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loopback bad host behaves like a black-holed address, and Netty's testsuite aims at it. */
class BadHostTest {

    @Test
    void propertiesPointAtTheLoopbackListener() throws Exception {
        InetSocketAddress address = BadHost.address();
        assertEquals("127.0.0.1", address.getAddress().getHostAddress());
        assertEquals("127.0.0.1", System.getProperty(BadHost.HOST_PROPERTY));
        assertEquals(Integer.toString(address.getPort()), System.getProperty(BadHost.PORT_PROPERTY));
        // What Netty's SocketConnectionAttemptTest actually uses (read once, in a static initialiser).
        assertEquals("127.0.0.1", nettyField("BAD_HOST"));
        assertEquals(address.getPort(), nettyField("BAD_PORT"));
    }

    @Test
    void plainConnectTimesOut() throws IOException {
        InetSocketAddress address = BadHost.address();
        try (Socket socket = new Socket()) {
            long start = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> socket.connect(address, 500));
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(elapsedMillis >= 450, "gave up after " + elapsedMillis + " ms");
        }
    }

    /** The probe behind SocketConnectionAttemptTest#testConnectCancellation's assumption: no ConnectException. */
    @Test
    void nettysCancellationProbeTimesOut() throws IOException {
        try (Socket socket = new Socket()) {
            assertThrows(SocketTimeoutException.class, () -> socket.connect(BadHost.address(), 10));
        }
    }

    private static Object nettyField(String name) throws ReflectiveOperationException {
        Field f = SocketTestPermutation.class.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(null);
    }
}

package dev.customtransport.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The kqueue backend's own contract: batched changes, receipts for an fd closed meanwhile, wakeups, capped
 * timeouts. Runs where the library drives kqueue (macOS, the BSDs, or Linux with -Dkqueue.emulation.prefix).
 */
class KqueuePollerTest {
    private KqueuePoller poller;

    @BeforeEach
    void setUp() throws Exception {
        NativeLibrary.ensureLoaded();
        assumeTrue(SystemNative.backend() == NativeLibrary.BACKEND_KQUEUE, "the library drives epoll");
        poller = (KqueuePoller) Poller.open(512, 1024, () -> { });
    }

    @AfterEach
    void tearDown() {
        if (poller != null) {
            poller.close();
        }
    }

    /** A change queued for an fd that is closed before the next wait costs a skipped receipt, not the batch. */
    @Test
    void queuedChangeForAnFdClosedMeanwhileIsSkipped() throws Exception {
        SocketFd doomed = SocketFd.newStream();
        SocketFd live = SocketFd.newStream(); // never connected: reports hang-up (EV_EOF) at once
        poller.add(doomed.intValue(), Poller.INTEREST_READ, 7);
        poller.add(live.intValue(), Poller.INTEREST_READ, 8);
        doomed.close();
        int n = poller.poll(TimeUnit.SECONDS.toNanos(10));
        boolean liveSeen = false;
        for (int i = 0; i < n; i++) {
            if (poller.token(i) == 7) {
                assertEquals(0, poller.events(i), "the closed fd's receipt decodes to nothing");
            } else if (poller.token(i) == 8 && poller.events(i) != 0) {
                liveSeen = true;
            }
        }
        assertTrue(liveSeen, "the other change of the batch was applied");
        live.close();
    }

    /**
     * Bytes and the peer's FIN waiting together: the edge-triggered read event carries the half-close too, or the
     * end of the stream is never announced. (libkqueue dropped it when the write filter was added after the read
     * filter of the same fd.)
     */
    @Test
    void edgeTriggeredReadEventWithBytesAndFinCarriesTheHalfClose() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket listener = new ServerSocket(0, 1, loopback)) {
            SocketFd client = SocketFd.newStream();
            try {
                client.connect(new InetSocketAddress(loopback, listener.getLocalPort()));
                try (Socket peer = listener.accept()) {
                    OutputStream out = peer.getOutputStream();
                    out.write(new byte[20]);
                    out.flush();
                }
                // The connect, the bytes and the FIN all happened before the filters are added.
                Thread.sleep(50);
                poller.add(client.intValue(), Poller.INTEREST_READ | Poller.INTEREST_WRITE
                        | Poller.INTEREST_READ_CLOSED | Poller.INTEREST_EDGE, 9);
                int readBits = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (readBits == 0 && System.nanoTime() < deadline) {
                    int n = poller.poll(TimeUnit.MILLISECONDS.toNanos(100));
                    for (int i = 0; i < n; i++) {
                        if (poller.token(i) == 9 && (poller.events(i) & Poller.EVENT_READABLE) != 0) {
                            readBits = poller.events(i);
                        }
                    }
                }
                assertTrue((readBits & Poller.EVENT_READABLE) != 0, "no read event");
                assertEquals(Poller.EVENT_READ_CLOSED, readBits & Poller.EVENT_READ_CLOSED,
                        "the read event lacks the half-close: 0x" + Integer.toHexString(readBits));
                poller.remove(client.intValue());
            } finally {
                client.close();
            }
        }
    }

    @Test
    void wakeFromAnotherThreadReturnsTheWakerToken() throws Exception {
        Thread waker = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            poller.wake();
        });
        waker.start();
        // A timeout far beyond what kevent accepts: capped, not EINVAL.
        int n = poller.poll(Long.MAX_VALUE / 2);
        waker.join();
        boolean woken = false;
        for (int i = 0; i < n; i++) {
            woken |= poller.token(i) == Poller.WAKER_TOKEN;
        }
        assertTrue(woken);
    }

    @Test
    void nothingReadyTimesOut() throws Exception {
        assertEquals(0, poller.poll(TimeUnit.MILLISECONDS.toNanos(20)));
        assertEquals(0, poller.pollNow());
    }
}

package dev.customtransport.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Per-epoll busy poll (EPIOCSPARAMS) reaches the kernel, and what it refuses is reported with the errno. */
class BusyPollTest {

    @Test
    void theKernelHoldsThePeriodAndRefusesNonsense() throws Exception {
        assumeTrue(NativeTesting.isEpoll(), "per-epoll busy poll is an epoll feature");
        Emulator.assumeReachesKernel("EPIOCSPARAMS");
        try (EpollPoller poller = new EpollPoller(16, 16)) {
            try {
                poller.busyPoll(50, 8);
            } catch (IOException e) {
                // A kernel before 6.9 has no such ioctl: the message must say what is missing.
                assertTrue(e.getMessage().contains("ENOTTY") && e.getMessage().contains("Linux 6.9+"), e.getMessage());
                assumeTrue(false, "this kernel has no per-epoll busy poll: " + e.getMessage());
            }
            assertEquals(50, poller.busyPollMicros());
            poller.busyPoll(0, 8);
            assertEquals(0, poller.busyPollMicros());
            IOException e = assertThrows(IOException.class, () -> poller.busyPoll(50, 1 << 16));
            assertTrue(e.getMessage().contains("EINVAL"), e.getMessage());
        }
    }

    @Test
    void kqueueHasNone() throws Exception {
        assumeTrue(!NativeTesting.isEpoll(), "a kqueue build refuses busy poll");
        // KqueuePoller wants room for a full change list (256 entries) in its event array.
        try (Poller poller = Poller.open(512, 512, () -> { })) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> poller.busyPoll(50, 8));
            assertTrue(e.getMessage().contains("Linux epoll feature"), e.getMessage());
        }
    }
}

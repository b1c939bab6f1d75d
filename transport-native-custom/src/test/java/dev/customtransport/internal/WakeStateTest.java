package dev.customtransport.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WakeStateTest {

    @Test
    void noClaimWhileAwakeAndNoneReportedAfterAQuietSleep() {
        WakeState s = new WakeState();
        assertFalse(s.claimWakeup(), "the loop is awake: nobody writes the eventfd");
        s.publishSleeping();
        assertFalse(s.wakeClaimedWhileSleeping(), "nobody claimed during that sleep");
        assertFalse(s.claimWakeup(), "awake again");
    }

    @Test
    void exactlyOneClaimPerSleepAmongManyThreads() throws Exception {
        WakeState s = new WakeState();
        int threads = 8;
        for (int round = 0; round < 200; round++) {
            s.publishSleeping();
            AtomicInteger claims = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                ts[t] = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (s.claimWakeup()) {
                        claims.incrementAndGet();
                    }
                });
                ts[t].start();
            }
            start.countDown();
            for (Thread t : ts) {
                t.join();
            }
            assertEquals(1, claims.get(), "round " + round);
            assertTrue(s.wakeClaimedWhileSleeping(), "the loop learns that the claimed write is on its way");
        }
    }

    @Test
    void closedStateRefusesClaims() {
        WakeState s = new WakeState();
        s.publishSleeping();
        s.close();
        assertFalse(s.claimWakeup());
        assertEquals(WakeState.CLOSED, s.get());
    }
}

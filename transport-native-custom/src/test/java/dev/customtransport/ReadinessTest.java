package dev.customtransport;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two readiness modes on their own, against a fake channel: what each registers, and what each does with
 * readiness the channel cannot act on yet. No socket, no loop.
 */
class ReadinessTest {

    /** Records what a mode asks of the channel; reading state set by the test. */
    static final class FakePort implements Readiness.Port {
        final List<Integer> submitted = new ArrayList<>();
        final List<Integer> queued = new ArrayList<>();
        boolean readingWanted = true;
        boolean inputOpen = true;

        @Override
        public void submit(int interest) {
            submitted.add(interest);
        }

        @Override
        public void markReady(int work) {
            queued.add(work);
        }

        @Override
        public boolean isReadingWanted() {
            return readingWanted;
        }

        @Override
        public boolean isInputOpen() {
            return inputOpen;
        }
    }

    private final FakePort port = new FakePort();

    private Readiness registered(ReadinessMode mode, int interest) {
        Readiness r = Readiness.of(mode, Readiness.unregistered(port, interest, true));
        assertSame(mode, r.mode());
        r.interestChanged();
        return r;
    }

    @Test
    void beforeRegistrationNothingIsSubmittedEvenWhenPollable() {
        Readiness r = Readiness.unregistered(port, CustomIoOps.READ_CLOSED, false);
        r.want(CustomIoOps.READ);
        r.becamePollable();
        // The port would drop it (no registration yet); what matters is the interest carried into registration.
        Readiness after = Readiness.of(ReadinessMode.LEVEL_TRIGGERED, r);
        assertEquals(CustomIoOps.READ | CustomIoOps.READ_CLOSED, after.interest);
        assertTrue(after.pollable);
    }

    @Test
    void levelTriggeredRegistersWhatTheChannelWantsAndFollowsIt() {
        Readiness r = registered(ReadinessMode.LEVEL_TRIGGERED, CustomIoOps.READ_CLOSED);
        r.want(CustomIoOps.READ);
        r.want(CustomIoOps.READ); // no change, nothing submitted
        r.unwant(CustomIoOps.READ_CLOSED);
        assertEquals(List.of(CustomIoOps.READ_CLOSED, CustomIoOps.READ | CustomIoOps.READ_CLOSED, CustomIoOps.READ),
                port.submitted);
    }

    @Test
    void levelTriggeredSubmitsNothingUntilPollable() {
        Readiness r = Readiness.of(ReadinessMode.LEVEL_TRIGGERED,
                Readiness.unregistered(port, CustomIoOps.READ_CLOSED, false));
        r.interestChanged();
        r.want(CustomIoOps.READ);
        assertEquals(List.of(), port.submitted, "a socket neither bound nor connected reports HUP forever");
        r.becamePollable();
        assertEquals(List.of(CustomIoOps.READ | CustomIoOps.READ_CLOSED), port.submitted);
    }

    @Test
    void levelTriggeredPausesByDroppingInputInterestAndResumesByRestoringIt() {
        Readiness r = registered(ReadinessMode.LEVEL_TRIGGERED, CustomIoOps.READ);
        r.readingPaused();
        assertFalse(r.wants(CustomIoOps.READ));
        r.readingResumed();
        assertTrue(r.wants(CustomIoOps.READ));
        assertEquals(List.of(CustomIoOps.READ, 0, CustomIoOps.READ), port.submitted);
        assertEquals(List.of(), port.queued, "the kernel repeats level readiness: nothing is queued");
    }

    @Test
    void levelTriggeredReadLoopKeepsInterestWhileReadingIsWanted() {
        Readiness r = registered(ReadinessMode.LEVEL_TRIGGERED, CustomIoOps.READ);
        r.readLoopDone(false);
        assertTrue(r.wants(CustomIoOps.READ));
        port.readingWanted = false;
        r.readLoopDone(false);
        assertFalse(r.wants(CustomIoOps.READ));
        assertEquals(List.of(), port.queued);
    }

    @Test
    void levelTriggeredWaitsForOutputInterestWhenTheSocketIsFull() {
        Readiness r = registered(ReadinessMode.LEVEL_TRIGGERED, 0);
        assertTrue(r.mayFlush());
        r.writeLoopStopped(true);
        assertTrue(r.wants(CustomIoOps.WRITE));
        assertFalse(r.mayFlush(), "a flush would only meet EAGAIN");
        r.writeLoopStopped(false);
        assertFalse(r.wants(CustomIoOps.WRITE));
        assertTrue(r.mayFlush());
        assertEquals(List.of(CustomIoEvent.WRITABLE), port.queued, "a used-up spin budget continues from the queue");
    }

    @Test
    void edgeTriggeredRegistersEverythingOnceAndNeverChanges() {
        Readiness r = registered(ReadinessMode.EDGE_TRIGGERED, CustomIoOps.READ_CLOSED);
        r.want(CustomIoOps.READ);
        r.want(CustomIoOps.WRITE);
        r.unwant(CustomIoOps.READ | CustomIoOps.WRITE | CustomIoOps.READ_CLOSED);
        r.readingPaused();
        r.readingResumed();
        r.writeLoopStopped(true);
        assertEquals(List.of(CustomIoOps.READ | CustomIoOps.WRITE | CustomIoOps.READ_CLOSED | CustomIoOps.EDGE),
                port.submitted);
    }

    @Test
    void edgeTriggeredArmsWhenTheSocketBecomesPollable() {
        Readiness r = Readiness.of(ReadinessMode.EDGE_TRIGGERED, Readiness.unregistered(port, 0, false));
        r.interestChanged();
        assertEquals(List.of(), port.submitted);
        r.becamePollable();
        assertEquals(List.of(Readiness.EdgeTriggered.ALL), port.submitted);
    }

    @Test
    void edgeTriggeredRemembersAnEdgeThatCameWhileReadingWasPaused() {
        Readiness r = registered(ReadinessMode.EDGE_TRIGGERED, 0);
        r.readingResumed();
        assertEquals(List.of(), port.queued, "no edge came: nothing to read");
        r.readingPaused();
        r.readingResumed();
        assertEquals(List.of(CustomIoEvent.READABLE), port.queued, "that edge will not come again");
    }

    @Test
    void edgeTriggeredReadLoopStoppedOnItsBudgetQueuesItself() {
        Readiness r = registered(ReadinessMode.EDGE_TRIGGERED, 0);
        r.readLoopDone(true);
        assertEquals(List.of(), port.queued, "read to EAGAIN: the next edge announces more");
        r.readLoopDone(false);
        assertEquals(List.of(CustomIoEvent.READABLE), port.queued);
    }

    @Test
    void edgeTriggeredInputLeftWhileReadingIsNotWantedWaitsForRead() {
        Readiness r = registered(ReadinessMode.EDGE_TRIGGERED, 0);
        port.readingWanted = false;
        r.readLoopDone(false);
        assertEquals(List.of(), port.queued);
        port.readingWanted = true;
        r.readingResumed();
        assertEquals(List.of(CustomIoEvent.READABLE), port.queued);
    }

    @Test
    void edgeTriggeredForgetsInputOnceTheInputIsShut() {
        Readiness r = registered(ReadinessMode.EDGE_TRIGGERED, 0);
        port.inputOpen = false;
        r.readLoopDone(false);
        r.readingResumed();
        r.inputMayBeWaiting();
        assertEquals(List.of(), port.queued);
    }

    @Test
    void edgeTriggeredFlushWaitsForTheOutputEdgeAfterAFullBuffer() {
        Readiness r = registered(ReadinessMode.EDGE_TRIGGERED, 0);
        r.writeLoopStopped(true);
        assertFalse(r.mayFlush());
        r.writable();
        assertTrue(r.mayFlush());
        r.writeLoopStopped(false);
        assertTrue(r.mayFlush());
        assertEquals(List.of(CustomIoEvent.WRITABLE), port.queued);
    }

    @Test
    void lostEventsAreReplayedForEdgeTriggeredOnly() {
        registered(ReadinessMode.LEVEL_TRIGGERED, CustomIoOps.READ).eventsMayHaveBeenLost();
        assertEquals(List.of(), port.queued, "level-triggered hears the kernel again");
        Readiness unarmed = Readiness.of(ReadinessMode.EDGE_TRIGGERED, Readiness.unregistered(port, 0, false));
        unarmed.eventsMayHaveBeenLost();
        assertEquals(List.of(), port.queued, "not in the poller: nothing was lost");
        registered(ReadinessMode.EDGE_TRIGGERED, 0).eventsMayHaveBeenLost();
        assertEquals(List.of(CustomIoEvent.READABLE | CustomIoEvent.WRITABLE), port.queued);
    }

    @Test
    void aSpliceDrainQueuesAReadOnlyWhereNoEdgeWillComeAndTheInputIsOpen() {
        registered(ReadinessMode.LEVEL_TRIGGERED, CustomIoOps.READ).inputMayBeWaiting();
        assertEquals(List.of(), port.queued);
        registered(ReadinessMode.EDGE_TRIGGERED, 0).inputMayBeWaiting();
        assertEquals(List.of(CustomIoEvent.READABLE), port.queued);
    }
}

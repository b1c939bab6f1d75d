package dev.customtransport;

import dev.customtransport.internal.SocketFd;
import io.netty.channel.Channel;
import io.netty.channel.IoEvent;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.channel.ManualIoEventLoop;
import io.netty.util.concurrent.Future;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CustomIoHandlerTest {
    private final CustomIoHandler[] handler = new CustomIoHandler[1];
    private final IoHandlerFactory factory = new IoHandlerFactory() {
        @Override
        public IoHandler newHandler(io.netty.util.concurrent.ThreadAwareExecutor executor) {
            handler[0] = (CustomIoHandler) CustomIoHandler.newFactory().newHandler(executor);
            return handler[0];
        }
    };
    private ManualIoEventLoop loop;
    private final List<TestHandle> handles = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (TestHandle h : handles) {
            h.fd.close();
        }
        if (loop != null) {
            loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
            while (!loop.isTerminated()) {
                loop.runNow();
            }
        }
    }

    private IoRegistration register(TestHandle h) throws Exception {
        handles.add(h);
        Future<IoRegistration> f = loop.register(h);
        while (!f.isDone()) {
            loop.runNow();
        }
        h.registration = f.get();
        return h.registration;
    }

    /**
     * Two sockets are ready in the same batch; handling the first closes the second, frees its registration and
     * registers a new socket, which gets the second's fd number and slot. The second's event, still in the
     * batch, must be dropped: delivered neither to the closed socket nor to the new owner.
     */
    @Test
    void eventForAnFdClosedAndReusedInTheSameBatchIsDropped() throws Exception {
        loop = new ManualIoEventLoop(Thread.currentThread(), factory);
        // A never-connected TCP socket reports HUP at once: both are ready in the first batch.
        TestHandle a = new TestHandle(SocketFd.newStream());
        TestHandle b = new TestHandle(SocketFd.newStream());
        TestHandle[] replacement = new TestHandle[1];
        Runnable swap = () -> {
            if (replacement[0] != null) {
                return;
            }
            TestHandle victim = a.events.isEmpty() ? a : b;
            int victimFd = victim.fd.intValue();
            victim.registration.cancel();
            try {
                victim.fd.close();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            TestHandle c = new TestHandle(SocketFd.newStream());
            replacement[0] = c;
            assertEquals(victimFd, c.fd.intValue(), "the kernel hands out the lowest free number");
            handles.add(c);
            // Registered on the loop thread, inside the batch: it takes the victim's freed slot.
            c.registration = handler[0].register(c);
            c.registration.submit(CustomIoOps.of(CustomIoOps.READ));
        };
        a.onEvent = swap;
        b.onEvent = swap;
        register(a).submit(CustomIoOps.of(CustomIoOps.READ));
        register(b).submit(CustomIoOps.of(CustomIoOps.READ));

        loop.runNow();

        assertEquals(1, a.events.size() + b.events.size(), "only the first of the two was delivered");
        assertTrue(replacement[0].events.isEmpty(), "the new owner of the fd got nothing from the old batch");
        assertEquals(1, handler[0].counters().staleEvents());
    }

    @Test
    void interestChangesWithinOneIterationAreCoalesced() throws Exception {
        loop = new ManualIoEventLoop(Thread.currentThread(), factory);
        TestHandle a = new TestHandle(SocketFd.newStream());
        IoRegistration r = register(a);
        long before = handler[0].counters().controlCalls();
        for (int i = 0; i < 100; i++) {
            r.submit(CustomIoOps.of(CustomIoOps.READ));
            r.submit(CustomIoOps.of(CustomIoOps.READ | CustomIoOps.WRITE));
        }
        r.submit(CustomIoOps.of(CustomIoOps.READ));
        loop.runNow();
        assertEquals(before + 1, handler[0].counters().controlCalls(), "one epoll_ctl for 201 submissions");
        r.submit(CustomIoOps.of(CustomIoOps.WRITE));
        r.submit(CustomIoOps.of(CustomIoOps.READ));
        loop.runNow();
        assertEquals(before + 1, handler[0].counters().controlCalls(), "off and on again costs nothing");
        assertFalse(a.events.isEmpty());
    }

    @Test
    void cancelIsIdempotentAndReportsUnregisteredOnce() throws Exception {
        loop = new ManualIoEventLoop(Thread.currentThread(), factory);
        TestHandle a = new TestHandle(SocketFd.newStream());
        IoRegistration r = register(a);
        r.submit(CustomIoOps.of(CustomIoOps.READ));
        loop.runNow();
        assertTrue(r.isValid());
        assertTrue(r.cancel());
        assertFalse(r.cancel());
        assertFalse(r.isValid());
        assertEquals(1, a.unregistered);
        int seen = a.events.size();
        loop.runNow();
        assertEquals(seen, a.events.size(), "no event after cancel");
    }

    /**
     * An interest the kernel refuses (here: a second registration of a descriptor epoll already has, EEXIST) is
     * handed to the handle, which closes its channel, and recorded as a JFR event when a recording wants it.
     * Epoll's refusal: kqueue takes a second EV_ADD of the same descriptor as a change (the kqueue emulation run).
     */
    @Test
    void aRefusedInterestIsReportedToTheHandleAndRecorded() throws Exception {
        loop = new ManualIoEventLoop(Thread.currentThread(), factory);
        String poller = String.valueOf(CustomIoHandler.of(loop));
        assumeTrue(poller.contains("epoll"), "a duplicate registration is refused by epoll only; this loop: "
                + poller);
        SocketFd fd = SocketFd.newStream();
        TestHandle first = new TestHandle(fd);
        TestHandle second = new TestHandle(fd);
        second.controlFailures = new ArrayList<>();
        register(first).submit(CustomIoOps.of(CustomIoOps.READ));
        loop.runNow();
        try (Recording recording = new Recording()) {
            recording.enable("dev.customtransport.ChannelClosedByLoop");
            recording.start();
            register(second).submit(CustomIoOps.of(CustomIoOps.READ));
            loop.runNow();
            recording.stop();
            assertEquals(1, second.controlFailures.size());
            assertTrue(second.controlFailures.get(0).getMessage().contains("EEXIST"),
                    second.controlFailures.get(0).getMessage());
            List<RecordedEvent> events = LoopEventsTest.read(recording, "dev.customtransport.ChannelClosedByLoop");
            System.out.println("[jfr] " + events);
            assertEquals(1, events.size(), events.toString());
            RecordedEvent e = events.get(0);
            assertEquals(fd.intValue(), e.getInt("fd"));
            assertEquals("add", e.getString("operation"));
            assertTrue(e.getString("error").contains("EEXIST"), e.getString("error"));
            assertEquals(second.toString(), e.getString("channel"));
        }
    }

    static final class TestHandle implements CustomIoHandle {
        final SocketFd fd;
        final List<Integer> events = new ArrayList<>();
        Runnable onEvent;
        IoRegistration registration;
        int unregistered;
        /** The interest failures the loop reported; null: a failure fails the test. */
        List<IOException> controlFailures;

        TestHandle(SocketFd fd) {
            this.fd = fd;
        }

        @Override
        public int fd() {
            return fd.intValue();
        }

        @Override
        public boolean isFdOpen() {
            return fd.isOpen();
        }

        @Override
        public ReadinessMode readinessMode() {
            return null;
        }

        @Override
        public void controlFailed(IOException cause) {
            if (controlFailures == null) {
                throw new AssertionError(cause);
            }
            controlFailures.add(cause);
        }

        @Override
        public void eventsMayHaveBeenLost() {
            throw new AssertionError("epoll loses no events");
        }

        @Override
        public Channel channel() {
            return null;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            events.add(((CustomIoEvent) event).bits);
            if (onEvent != null) {
                onEvent.run();
            }
        }

        @Override
        public void unregistered() {
            unregistered++;
        }

        @Override
        public void close() {
            try {
                fd.close();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }
}

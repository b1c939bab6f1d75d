package dev.customtransport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A loop's scratch memory: one of each, handed out cleared, made again only after the loop released it. */
class LoopScratchTest {
    static {
        NativeLibrary.ensureLoaded();
    }

    @Test
    void eachPartIsMadeOnceAndHandedOutCleared() {
        LoopScratch scratch = new LoopScratch();
        ByteBuf buf = Unpooled.directBuffer(8).writeLong(1);
        try {
            IovArray iovs = scratch.iovs();
            iovs.add(buf);
            assertEquals(1, iovs.count());
            assertSame(iovs, scratch.iovs());
            assertEquals(0, iovs.count(), "a new user finds it empty");

            MessageArray messages = scratch.messages();
            messages.addReceive(buf, 0, 8);
            assertSame(messages, scratch.messages());
            assertEquals(0, messages.count());

            assertSame(scratch.descriptors(), scratch.descriptors());

            scratch.release();
            assertNotSame(iovs, scratch.iovs(), "released memory is never handed out again");
            assertNotSame(messages, scratch.messages());
        } finally {
            buf.release();
            scratch.release();
        }
    }
}

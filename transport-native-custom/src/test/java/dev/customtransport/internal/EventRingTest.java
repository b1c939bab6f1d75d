package dev.customtransport.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventRingTest {

    @Test
    void decodesEntriesInPlaceWithTheBackendsLayout() {
        // The x86_64 epoll layout: 12-byte packed entries, flags at 0, data at 4.
        EventRing ring = new EventRing(8, 8, 12, 0, 4);
        for (int i = 0; i < 8; i++) {
            ring.put(i, 0x2000 | i, ((long) i << 32) | (0xffff0000L + i));
        }
        for (int i = 0; i < 8; i++) {
            assertEquals(0x2000 | i, ring.flags(i));
            assertEquals(((long) i << 32) | (0xffff0000L + i), ring.data(i));
        }
        assertNotEquals(0, ring.address());
    }

    @Test
    void growsOnlyWhenAWaitFilledIt() {
        EventRing ring = new EventRing(4, 16, 16, 0, 8);
        assertFalse(ring.growIfFull(3));
        assertEquals(4, ring.capacity());
        assertTrue(ring.growIfFull(4));
        assertEquals(8, ring.capacity());
        assertTrue(ring.growIfFull(8));
        assertEquals(16, ring.capacity());
        assertFalse(ring.growIfFull(16), "capped at the maximum");
        assertEquals(16, ring.capacity());
    }
}

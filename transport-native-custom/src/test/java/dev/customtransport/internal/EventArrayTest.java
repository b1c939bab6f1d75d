package dev.customtransport.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventArrayTest {

    @Test
    void decodesEntriesInPlaceWithTheBackendsLayout() {
        // The x86_64 epoll layout: 12-byte packed entries, flags at 0, data at 4.
        EventArray array = new EventArray(8, 8, 12, 0, 4);
        for (int i = 0; i < 8; i++) {
            array.put(i, 0x2000 | i, ((long) i << 32) | (0xffff0000L + i));
        }
        for (int i = 0; i < 8; i++) {
            assertEquals(0x2000 | i, array.flags(i));
            assertEquals(((long) i << 32) | (0xffff0000L + i), array.data(i));
        }
        assertNotEquals(0, array.address());
    }

    @Test
    void growsOnlyWhenAWaitFilledIt() {
        EventArray array = new EventArray(4, 16, 16, 0, 8);
        assertFalse(array.growIfFull(3));
        assertEquals(4, array.capacity());
        assertTrue(array.growIfFull(4));
        assertEquals(8, array.capacity());
        assertTrue(array.growIfFull(8));
        assertEquals(16, array.capacity());
        assertFalse(array.growIfFull(16), "capped at the maximum");
        assertEquals(16, array.capacity());
    }
}

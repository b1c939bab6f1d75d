package dev.customtransport.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandleTableTest {

    @Test
    void tokenOfAFreedSlotNoLongerResolvesEvenWhenTheSlotIsReused() {
        HandleTable<String> table = new HandleTable<>(4);
        long a = table.add("a");
        assertSame("a", table.get(a));
        assertTrue(table.remove(a));
        long b = table.add("b");
        // Same slot, next generation: the old token must not reach the new owner.
        assertEquals((int) a, (int) b);
        assertNotEquals(a, b);
        assertNull(table.get(a));
        assertSame("b", table.get(b));
        assertFalse(table.remove(a), "a stale token frees nothing");
        assertSame("b", table.get(b));
    }

    @Test
    void growsAndKeepsEveryToken() {
        HandleTable<Integer> table = new HandleTable<>(2);
        long[] tokens = new long[1000];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = table.add(i);
        }
        assertEquals(1000, table.size());
        for (int i = 0; i < tokens.length; i++) {
            assertEquals(i, table.get(tokens[i]));
        }
        for (int i = 0; i < tokens.length; i += 2) {
            assertTrue(table.remove(tokens[i]));
        }
        assertEquals(500, table.size());
        assertEquals(500, table.values().size());
        for (int i = 0; i < tokens.length; i++) {
            if (i % 2 == 0) {
                assertNull(table.get(tokens[i]));
            } else {
                assertEquals(i, table.get(tokens[i]));
            }
        }
    }

    @Test
    void tokensNeverCollideWithThePollersReservedTokens() {
        HandleTable<String> table = new HandleTable<>(1);
        for (int i = 0; i < 10_000; i++) {
            long t = table.add("x");
            assertNotEquals(Poller.WAKER_TOKEN, t);
            assertNotEquals(Poller.TIMER_TOKEN, t);
            table.remove(t);
        }
        assertNull(table.get(Poller.WAKER_TOKEN));
        assertNull(table.get(Poller.TIMER_TOKEN));
    }
}

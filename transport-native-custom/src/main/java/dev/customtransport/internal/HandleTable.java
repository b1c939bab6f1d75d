package dev.customtransport.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Maps poller tokens to registrations without an fd-keyed map. A token is {@code slot | generation << 32}: the
 * slot indexes an array, and the generation, bumped every time a slot is freed, makes a token from before the
 * free unmatched. So an event for an fd that was closed (and perhaps reused by a new registration) earlier in
 * the same ready batch resolves to nothing and is dropped, never delivered to the new owner.
 *
 * <p>Loop thread only.
 *
 * @param <T> the registration type
 */
public final class HandleTable<T> {
    private Object[] entries;
    private int[] generations;
    private int[] free;
    private int freeCount;
    private int size;
    private int highWater;

    public HandleTable(int initialCapacity) {
        entries = new Object[initialCapacity];
        generations = new int[initialCapacity];
        free = new int[initialCapacity];
    }

    /** Stores {@code value} in a free slot and returns its token. */
    public long add(T value) {
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else {
            if (highWater == entries.length) {
                int n = entries.length << 1;
                entries = Arrays.copyOf(entries, n);
                generations = Arrays.copyOf(generations, n);
                free = Arrays.copyOf(free, n);
            }
            slot = highWater++;
        }
        entries[slot] = value;
        size++;
        return token(slot, generations[slot]);
    }

    /** The value for {@code token}, or null if its slot was freed since the token was issued. */
    @SuppressWarnings("unchecked")
    public T get(long token) {
        int slot = (int) token;
        if (slot < 0 || slot >= highWater || generations[slot] != (int) (token >>> 32)) {
            return null;
        }
        return (T) entries[slot];
    }

    /** Frees the slot of {@code token}; returns false if it was already freed (a stale token). */
    public boolean remove(long token) {
        if (get(token) == null) {
            return false;
        }
        int slot = (int) token;
        entries[slot] = null;
        // Generations wrap after 2^32 reuses of one slot; a token that old cannot still be in a ready batch.
        generations[slot]++;
        free[freeCount++] = slot;
        size--;
        return true;
    }

    /** How many values are stored. */
    public int size() {
        return size;
    }

    /** A copy of the stored values, in slot order: the caller may add and remove while it goes through it. */
    public List<T> values() {
        List<T> out = new ArrayList<>(size);
        for (int i = 0; i < highWater; i++) {
            if (entries[i] != null) {
                out.add(valueAt(i));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private T valueAt(int slot) {
        return (T) entries[slot];
    }

    static long token(int slot, int generation) {
        return (slot & 0xffffffffL) | ((long) generation << 32);
    }
}

package dev.customtransport;

import java.util.AbstractQueue;
import java.util.Iterator;
import java.util.Queue;

/**
 * The task queue of a {@link CustomEventLoop}: Netty's own MPSC queue, counting the tasks the loop takes out of
 * it. Only the loop thread polls, so the count is a plain single-writer field.
 */
final class CountingTaskQueue extends AbstractQueue<Runnable> {
    private final Queue<Runnable> delegate;
    /** The loop's other counting queue (Netty makes a task queue and a tail-task queue), or null. */
    private final CountingTaskQueue previous;
    private long taken;

    CountingTaskQueue(Queue<Runnable> delegate, CountingTaskQueue previous) {
        this.delegate = delegate;
        this.previous = previous;
    }

    /** Tasks taken from this queue and the ones created before it for the same loop. */
    long taken() {
        return taken + (previous == null ? 0 : previous.taken());
    }

    @Override
    public boolean offer(Runnable task) {
        return delegate.offer(task);
    }

    @Override
    public Runnable poll() {
        Runnable task = delegate.poll();
        if (task != null) {
            taken++;
        }
        return task;
    }

    @Override
    public Runnable peek() {
        return delegate.peek();
    }

    @Override
    public boolean isEmpty() {
        return delegate.isEmpty();
    }

    @Override
    public int size() {
        return delegate.size();
    }

    @Override
    public boolean remove(Object o) {
        return delegate.remove(o);
    }

    @Override
    public Iterator<Runnable> iterator() {
        return delegate.iterator();
    }
}

package dev.customtransport;

import io.netty.channel.Channel;
import io.netty.util.concurrent.SingleThreadEventExecutor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The text of {@link CustomIoHandler#dump(Duration)}: made on the loop thread, where every field it reads is exact,
 * or, when the loop does not answer in time, from what other threads may read without it.
 */
final class LoopDump {
    private LoopDump() { }

    static String dump(CustomIoHandler loop, Duration timeout) {
        if (loop.inLoop()) {
            return onLoop(loop, "asked on the loop thread");
        }
        long asked = System.nanoTime();
        CompletableFuture<String> answer = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                if (answer.isDone()) {
                    return; // the caller gave up waiting: nothing to describe
                }
                try {
                    answer.complete(onLoop(loop, "answered after " + millis(System.nanoTime() - asked) + " ms"));
                } catch (Throwable t) {
                    answer.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            return offLoop(loop, "is shut down and takes no more tasks");
        }
        try {
            return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.cancel(false);
            return offLoop(loop, "did not answer within " + timeout.toMillis() + " ms: it is busy or stuck");
        } catch (InterruptedException e) {
            answer.cancel(false);
            Thread.currentThread().interrupt();
            return offLoop(loop, "was not waited for: the asking thread was interrupted");
        } catch (ExecutionException e) {
            return offLoop(loop, "failed to describe itself: " + e.getCause());
        }
    }

    /** Loop thread only. */
    private static String onLoop(CustomIoHandler loop, String how) {
        StringBuilder b = new StringBuilder(256);
        b.append(loop).append(" on ").append(threadName(loop.loopThread())).append(": ").append(how).append('\n');
        b.append("counters: ").append(loop.counters()).append('\n');
        appendQueues(b, loop);
        b.append("interest changes waiting for the next wait: ").append(loop.pendingChanges()).append('\n');
        List<Registration> registrations = loop.registrations();
        b.append("registered channels: ").append(registrations.size()).append('\n');
        for (Registration r : registrations) {
            Channel ch = r.handle.channel();
            b.append("  fd ").append(r.handle.isFdOpen() ? Integer.toString(r.handle.fd()) : "(closed)")
                    .append("  ").append(ch != null ? ch.getClass().getSimpleName() + ' ' + ch : r.handle)
                    .append('\n');
            b.append("      ");
            if (ch instanceof AbstractCustomChannel) {
                b.append(((AbstractCustomChannel) ch).readiness).append("; ");
            } else {
                b.append(r.mode).append("; ");
            }
            b.append("kernel has ").append(CustomIoOps.names(r.applied));
            if (r.changeQueued && r.desired != r.applied) {
                b.append(", change to ").append(CustomIoOps.names(r.desired)).append(" waiting");
            }
            int work = r.readyWork();
            b.append("; ready queue: ").append(work == 0 ? "no" : readyWorkNames(work)).append('\n');
        }
        return b.toString();
    }

    /** Any thread: what can be read without the loop's help. */
    private static String offLoop(CustomIoHandler loop, String why) {
        Thread t = loop.loopThread();
        StringBuilder b = new StringBuilder(1024);
        b.append(loop).append(" on ").append(threadName(t));
        if (t != null) {
            b.append(" (").append(t.getState()).append(')');
        }
        b.append(": the loop ").append(why).append('\n');
        b.append("read without the loop, possibly stale:\n");
        appendQueues(b, loop);
        b.append("counters as last written: ").append(loop.countersAsWritten()).append('\n');
        if (t == null) {
            b.append("the loop has not started: no thread runs it yet\n");
            return b.toString();
        }
        b.append("stack of ").append(threadName(t)).append(":\n");
        for (StackTraceElement e : t.getStackTrace()) {
            b.append("    at ").append(e).append('\n');
        }
        return b.toString();
    }

    private static void appendQueues(StringBuilder b, CustomIoHandler loop) {
        if (loop.executor() instanceof SingleThreadEventExecutor) {
            b.append("pending tasks: ").append(((SingleThreadEventExecutor) loop.executor()).pendingTasks())
                    .append('\n');
        }
        b.append("ready queue: ").append(loop.readyQueueDepth()).append(" handle(s)\n");
    }

    private static String readyWorkNames(int work) {
        String readable = (work & CustomIoEvent.READABLE) != 0 ? "READABLE" : "";
        String writable = (work & CustomIoEvent.WRITABLE) != 0 ? "WRITABLE" : "";
        return readable.isEmpty() || writable.isEmpty() ? readable + writable : readable + '|' + writable;
    }

    private static String threadName(Thread t) {
        return t == null ? "no thread" : "thread \"" + t.getName() + '"';
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e6);
    }
}

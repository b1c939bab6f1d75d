package dev.customtransport.microbench.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the runner reads from /proc about a server: its threads, their CPU time, its resident memory. */
final class ProcFs {
    private ProcFs() { }

    /** The id of the first thread of {@code pid} whose name starts with {@code prefix}, or 0. */
    static long threadNamed(long pid, String prefix) {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                String comm = read(task.resolve("comm")).trim();
                if (comm.startsWith(prefix)) {
                    return Long.parseLong(task.getFileName().toString());
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** CPU nanoseconds used so far by the live threads of {@code pid} (schedstat), 0 if it is gone. */
    static long cpuNanos(long pid) {
        long sum = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                String s = read(task.resolve("schedstat"));
                int space = s.indexOf(' ');
                sum += Long.parseLong(space < 0 ? s.trim() : s.substring(0, space));
            }
        } catch (IOException | RuntimeException e) {
            return sum;
        }
        return sum;
    }

    /** VmRSS of {@code pid} in bytes, or -1. */
    static long residentBytes(long pid) {
        try {
            for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Waits until {@code pid} has gone quiet (less than 1 ms of CPU in 50 ms), at most {@code maxMillis}: what the
     * previous cell left behind (closing connections, a GC, compilation) must not land in the next one.
     */
    static boolean settle(long pid, long maxMillis) throws InterruptedException {
        long deadline = System.nanoTime() + maxMillis * 1_000_000L;
        long before = cpuNanos(pid);
        while (System.nanoTime() < deadline) {
            Thread.sleep(50);
            long now = cpuNanos(pid);
            if (now - before < 1_000_000L) {
                return true;
            }
            before = now;
        }
        return false;
    }

    static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.US_ASCII);
    }
}

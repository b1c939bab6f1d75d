package dev.customtransport.internal;

import java.io.IOException;

/**
 * Pipes and splice(2) through them ({@link KernelNative}): how {@code Splice} moves bytes between descriptors
 * without them entering Java. Callers ask {@link NativeFeatures#SPLICE} first; failures become exceptions through
 * {@link Errors}.
 */
public final class Pipes {
    static {
        NativeLibrary.ensureLoaded();
    }

    private Pipes() { }

    /** A non-blocking, close-on-exec pipe: {read end, write end}. */
    public static int[] open() throws IOException {
        int[] fds = new int[2];
        Errors.check("pipe2", KernelNative.pipe(fds));
        return fds;
    }

    /** Closes both ends of a pipe from {@link #open}; null is nothing to close. */
    public static void closeQuietly(int[] pipe) {
        if (pipe != null) {
            UnixSockets.closeQuietly(pipe[0]);
            UnixSockets.closeQuietly(pipe[1]);
        }
    }

    /** splice(2): bytes moved, 0 when it would block, -1 at the end of the input. */
    public static int splice(int fdIn, long offIn, int fdOut, long offOut, int len) throws IOException {
        int res = KernelNative.splice(fdIn, offIn, fdOut, offOut, len);
        if (res > 0) {
            return res;
        }
        if (res == 0) {
            return -1;
        }
        return Errors.ioResult("splice", res);
    }
}

package dev.customtransport;

import java.io.IOException;

/**
 * An {@link IOException} raised by a failed system call in this transport. It names the call and carries the
 * errno, so that handlers can tell, for example, a reset connection from a full disk without parsing messages:
 *
 * <pre>{@code
 * public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
 *     if (cause instanceof NativeIoException && ((NativeIoException) cause).errnoName().equals("ECONNRESET")) {
 *         // the peer reset the connection: nothing to report
 *     }
 *     ctx.close();
 * }
 * }</pre>
 */
public class NativeIoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String syscall;
    private final int errno;
    private final String errnoName;

    public NativeIoException(String syscall, int errno, String errnoName, String message) {
        super(message);
        this.syscall = syscall;
        this.errno = errno;
        this.errnoName = errnoName;
    }

    /** The system call that failed, e.g. {@code "writev"}. */
    public String syscall() {
        return syscall;
    }

    /** The positive errno value the call failed with (as the running OS numbers it). */
    public int errno() {
        return errno;
    }

    /** The symbolic errno, e.g. {@code "ECONNRESET"}, or {@code "errno 123"} for one this transport has no name for. */
    public String errnoName() {
        return errnoName;
    }
}

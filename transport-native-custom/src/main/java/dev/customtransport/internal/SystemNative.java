package dev.customtransport.internal;

/**
 * Natives about the system rather than a socket ({@code src/main/c/system.c}); side-effect free, so they are the
 * first calls made after loading (a failure here means the library is not usable at all).
 */
final class SystemNative {
    private SystemNative() { }

    /** The errno values, in the order of {@link Errno}'s constants, written into {@code out}. */
    static native void errnoValues(int[] out);

    /** strerror_r text for {@code errno}. Used only to build exception messages. */
    static native String strerror(int errno);

    /** The backend this library was compiled with: 1 = epoll, 2 = kqueue. */
    static native int backend();
}

package dev.customtransport.internal;

import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.PeerCredentials;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.lang.reflect.Constructor;

/**
 * Netty's unix API types ({@link FileDescriptor}, {@link PeerCredentials}, ...) with our channels. Their Java code
 * lives in {@code netty-transport-native-unix-common}, but their natives normally come from Netty's epoll
 * library; so that an application can keep using them after switching, our library binds its own
 * implementations of those natives (same syscalls, same results) when it loads. If Netty's epoll library is
 * loaded too, whichever registered last serves the calls, which is harmless: both do the same thing.
 */
public final class NettyUnix {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(NettyUnix.class);

    private NettyUnix() { }

    /** Called once by {@link NativeLibrary} right after loading; never throws. */
    static void register() {
        Class<?> fd;
        try {
            // A class literal, not a name: a shaded Netty relocates it with everything else.
            fd = FileDescriptor.class;
        } catch (LinkageError e) {
            logger.debug("netty-transport-native-unix-common is not on the class path: Netty's unix types are"
                    + " not served by transport-native-custom", e);
            return;
        }
        String pkg = fd.getName().substring(0, fd.getName().lastIndexOf('.') + 1);
        ClassLoader loader = fd.getClassLoader();
        Class<?> errors = optionalClass(pkg + "ErrorsStaticallyReferencedJniMethods", loader);
        Class<?> limits = optionalClass(pkg + "LimitsStaticallyReferencedJniMethods", loader);
        try {
            if (UnixNative.registerNettyUnix(fd, errors, limits) != 0) {
                logger.debug("could not register the natives of Netty's unix types (another Netty version?)");
            }
        } catch (LinkageError e) {
            logger.debug("could not register the natives of Netty's unix types (another Netty version?)", e);
        }
    }

    private static Class<?> optionalClass(String name, ClassLoader loader) {
        try {
            // Loaded, not initialised: its static initialiser would call the natives we are about to register.
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static final class Credentials {
        static final Constructor<PeerCredentials> CONSTRUCTOR = constructor();

        private static Constructor<PeerCredentials> constructor() {
            try {
                Constructor<PeerCredentials> c =
                        PeerCredentials.class.getDeclaredConstructor(int.class, int.class, int[].class);
                c.setAccessible(true);
                return c;
            } catch (ReflectiveOperationException | RuntimeException e) {
                logger.debug("PeerCredentials cannot be constructed reflectively", e);
                return null;
            }
        }
    }

    /** Netty's {@link PeerCredentials} for what SO_PEERCRED returned (its constructor is package-private). */
    public static PeerCredentials peerCredentials(int pid, int uid, int gid) {
        Constructor<PeerCredentials> c = Credentials.CONSTRUCTOR;
        if (c == null) {
            throw new UnsupportedOperationException("io.netty.channel.unix.PeerCredentials cannot be constructed"
                    + " here (its package is not open to transport-native-custom)");
        }
        try {
            return c.newInstance(pid, uid, new int[] { gid });
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct PeerCredentials", e);
        }
    }
}

package dev.customtransport.internal;

import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.PeerCredentials;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import io.netty.util.Version;

import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty's unix API types ({@link FileDescriptor}, {@link PeerCredentials}, ...) with our channels. Their Java code
 * lives in {@code netty-transport-native-unix-common}, but their natives normally come from Netty's epoll
 * library; so that an application can keep using them after switching, our library binds its own
 * implementations of those natives (same syscalls, same results) when it loads. If Netty's epoll library is
 * loaded too, whichever registered last serves the calls, which is harmless: both do the same thing.
 *
 * <p>The natives are bound one at a time against what the running Netty declares (found by reflection), because
 * the set changes between 4.2.x releases: a native this Netty lacks is never asked for, and one it declares that
 * our library does not implement makes the load fail with its name, rather than an {@link UnsatisfiedLinkError}
 * later inside Netty's {@code Errors} or {@code FileDescriptor}. {@code io.netty.channel.unix.Socket}'s natives
 * are not served: only Netty's own epoll and kqueue channels use that class.
 */
public final class NettyUnix {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(NettyUnix.class);

    private NettyUnix() { }

    /**
     * Called once by {@link NativeLibrary} right after loading. Binds every native of Netty's unix types that
     * the running Netty declares, and returns those our library has no implementation of (empty when all are
     * served, or when netty-transport-native-unix-common is not on the class path).
     */
    static List<String> register() {
        Class<?> fd;
        try {
            // A class literal, not a name: a shaded Netty relocates it with everything else.
            fd = FileDescriptor.class;
        } catch (LinkageError e) {
            logger.debug("netty-transport-native-unix-common is not on the class path: Netty's unix types are"
                    + " not served by transport-native-custom", e);
            return List.of();
        }
        String pkg = fd.getName().substring(0, fd.getName().lastIndexOf('.') + 1);
        ClassLoader loader = fd.getClassLoader();
        List<String> missing = new ArrayList<>();
        missing.addAll(bindAll(fd, NettyUnixNative.TABLE_FILE_DESCRIPTOR));
        missing.addAll(bindAll(optionalClass(pkg + "ErrorsStaticallyReferencedJniMethods", loader),
                NettyUnixNative.TABLE_ERRORS));
        missing.addAll(bindAll(optionalClass(pkg + "LimitsStaticallyReferencedJniMethods", loader),
                NettyUnixNative.TABLE_LIMITS));
        missing.addAll(bindAll(optionalClass(pkg + "Buffer", loader), NettyUnixNative.TABLE_BUFFER));
        return missing;
    }

    /**
     * Binds each native {@code owner} declares from our table {@code table}; returns the ones we do not
     * implement, as {@code class.name(signature)}. A null owner (a class this Netty does not have) binds nothing.
     */
    static List<String> bindAll(Class<?> owner, int table) {
        if (owner == null) {
            return List.of();
        }
        List<String> missing = new ArrayList<>();
        for (Method m : owner.getDeclaredMethods()) {
            if (!Modifier.isNative(m.getModifiers())) {
                continue;
            }
            String signature = MethodType.methodType(m.getReturnType(), m.getParameterTypes())
                    .toMethodDescriptorString();
            int rc = NettyUnixNative.bind(owner, table, m.getName(), signature);
            if (rc == NettyUnixNative.NOT_IMPLEMENTED) {
                missing.add(owner.getName() + '.' + m.getName() + signature);
            } else if (rc != NettyUnixNative.BOUND) {
                // Only a bad table number or a null gets here: a bug of ours, not a Netty difference.
                throw new IllegalStateException("binding " + owner.getName() + '.' + m.getName() + signature
                        + " failed: " + rc);
            }
        }
        return missing;
    }

    /** Why the library cannot serve this Netty: the natives it declares that we do not implement. */
    static String unservedMessage(List<String> unserved) {
        return "netty-transport-native-unix-common " + nettyUnixVersion()
                + " declares natives this build of transport-native-custom does not implement: "
                + String.join(", ", unserved) + ". Netty's unix types would fail with UnsatisfiedLinkError;"
                + " use a transport-native-custom release made for this Netty, or an older Netty 4.2";
    }

    /** The version of netty-transport-native-unix-common on the class path, for messages. */
    static String nettyUnixVersion() {
        try {
            Version v = Version.identify(FileDescriptor.class.getClassLoader())
                    .get("netty-transport-native-unix-common");
            return v == null ? "(version unknown)" : v.artifactVersion();
        } catch (RuntimeException | LinkageError e) {
            return "(version unknown)";
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

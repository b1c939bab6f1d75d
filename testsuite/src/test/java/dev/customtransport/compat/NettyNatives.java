package dev.customtransport.compat;

import dev.customtransport.internal.Errno;

import io.netty.channel.unix.FileDescriptor;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Calls, once each, every native that the Netty on the class path declares in the unix classes our library serves
 * ({@code FileDescriptor}, {@code ErrorsStaticallyReferencedJniMethods}, {@code LimitsStaticallyReferencedJniMethods},
 * {@code Buffer}), found by reflection, and checks what each returns. A native left unbound throws
 * {@link UnsatisfiedLinkError}; a native this walk has no call for (one a newer Netty added) fails with its name, so
 * it is added here and to {@code netty_unix.c} together. No JUnit: {@link CompatSmoke} runs it in JVMs that hold
 * only the transport and one Netty release.
 */
public final class NettyNatives {
    private static final String PKG = "io.netty.channel.unix.";
    static final List<String> CLASSES = List.of(PKG + "FileDescriptor", PKG + "ErrorsStaticallyReferencedJniMethods",
            PKG + "LimitsStaticallyReferencedJniMethods", PKG + "Buffer");

    private NettyNatives() { }

    /** Calls every declared native; returns the names called, as {@code Class.method}. */
    public static List<String> callEach() throws Exception {
        List<String> called = new ArrayList<>();
        try (Scratch s = new Scratch()) {
            for (String className : CLASSES) {
                Class<?> c = Class.forName(className, false, FileDescriptor.class.getClassLoader());
                Method[] methods = c.getDeclaredMethods();
                Arrays.sort(methods, Comparator.comparing(Method::getName));
                for (Method m : methods) {
                    if (!Modifier.isNative(m.getModifiers())) {
                        continue;
                    }
                    m.setAccessible(true);
                    String name = c.getSimpleName() + '.' + m.getName();
                    try {
                        check(name, m, s);
                    } catch (InvocationTargetException e) {
                        throw new AssertionError(name + " threw " + e.getCause(), e.getCause());
                    }
                    called.add(name);
                }
            }
        }
        return called;
    }

    private static void check(String name, Method m, Scratch s) throws Exception {
        switch (name) {
            // FileDescriptor: on a pipe and a file of our own.
            case "FileDescriptor.newPipe": {
                long fds = (Long) m.invoke(null);
                expect(name, fds > 0, "two descriptors, got " + fds);
                s.closeLater((int) (fds >>> 32));
                s.closeLater((int) fds);
                return;
            }
            case "FileDescriptor.open": {
                int fd = (Integer) m.invoke(null, s.file.toString());
                expect(name, fd >= 0, "a descriptor, got " + fd);
                s.closeLater(fd);
                return;
            }
            case "FileDescriptor.close": {
                // A descriptor of our own that nothing else uses.
                int spare = (Integer) s.open.invoke(null, s.file.toString());
                expect(name, (Integer) m.invoke(null, spare) == 0, "0 for a good descriptor");
                expect(name, (Integer) m.invoke(null, -1) == -Errno.EBADF, "-EBADF for a bad one");
                return;
            }
            case "FileDescriptor.write":
                expect(name, (Integer) m.invoke(null, s.pipe()[1].intValue(), s.direct("w"), 0, 1) == 1, "1 byte");
                s.drain(1);
                return;
            case "FileDescriptor.writeAddress":
                expect(name, (Integer) m.invoke(null, s.pipe()[1].intValue(), s.address(s.direct("a")), 0, 1) == 1,
                        "1 byte");
                s.drain(1);
                return;
            case "FileDescriptor.writev": {
                ByteBuffer[] buffers = { s.direct("v1"), s.direct("v2") };
                expect(name, (Long) m.invoke(null, s.pipe()[1].intValue(), buffers, 0, 2, 1024L) == 4L, "4 bytes");
                s.drain(4);
                return;
            }
            case "FileDescriptor.writevAddresses": {
                ByteBuffer data = s.direct("iov");
                ByteBuffer iov = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
                iov.putLong(0, s.address(data)).putLong(8, 3);
                expect(name, (Long) m.invoke(null, s.pipe()[1].intValue(), s.address(iov), 1) == 3L, "3 bytes");
                s.drain(3);
                return;
            }
            case "FileDescriptor.read":
                s.fill("r");
                expect(name, (Integer) m.invoke(null, s.pipe()[0].intValue(), ByteBuffer.allocateDirect(8), 0, 8) == 1,
                        "1 byte");
                return;
            case "FileDescriptor.readAddress":
                s.fill("R");
                expect(name, (Integer) m.invoke(null, s.pipe()[0].intValue(), s.address(ByteBuffer.allocateDirect(8)),
                        0, 8) == 1, "1 byte");
                return;
            // Errors: each errno constant is this OS's (as our own library reads it), strError has a text.
            case "ErrorsStaticallyReferencedJniMethods.strError":
                String text = (String) m.invoke(null, Errno.ENOENT);
                expect(name, text != null && !text.isEmpty(), "a text, got " + text);
                return;
            // Limits: the values of this platform.
            case "LimitsStaticallyReferencedJniMethods.ssizeMax":
                expect(name, (Long) m.invoke(null) >= Integer.MAX_VALUE, "SSIZE_MAX");
                return;
            case "LimitsStaticallyReferencedJniMethods.iovMax":
            case "LimitsStaticallyReferencedJniMethods.uioMaxIov":
                expect(name, (Integer) m.invoke(null) >= 16, "at least 16");
                return;
            case "LimitsStaticallyReferencedJniMethods.sizeOfjlong":
                expect(name, (Integer) m.invoke(null) == 8, "8");
                return;
            case "LimitsStaticallyReferencedJniMethods.udsSunPathSize":
                int size = (Integer) m.invoke(null);
                expect(name, size == 104 || size == 108, "sizeof(sun_path), got " + size);
                return;
            // Buffer: what Netty uses when it runs without sun.misc.Unsafe.
            case "Buffer.addressSize0":
                expect(name, (Integer) m.invoke(null) == 8, "8 on a 64-bit JVM");
                return;
            case "Buffer.memoryAddress0": {
                ByteBuffer b = ByteBuffer.allocateDirect(4);
                long address = (Long) m.invoke(null, b);
                expect(name, address != 0, "an address");
                s.lastAddressed = b;
                return;
            }
            case "Buffer.wrapMemoryAddress": {
                ByteBuffer b = ByteBuffer.allocateDirect(4).put(0, (byte) 42);
                ByteBuffer wrapped = (ByteBuffer) m.invoke(null, s.address(b), 4);
                expect(name, wrapped.capacity() == 4 && wrapped.get(0) == 42, "a view of the same memory");
                return;
            }
            default:
                String simple = name.substring(name.indexOf('.') + 1);
                if (name.startsWith("ErrorsStaticallyReferencedJniMethods.")
                        && (simple.startsWith("errno") || simple.startsWith("error"))) {
                    String errno = simple.substring(5);
                    int expected = Errno.class.getField(errno).getInt(null);
                    int actual = (Integer) m.invoke(null);
                    expect(name, actual == expected, errno + " = " + expected + ", got " + actual);
                    return;
                }
                throw new AssertionError(name + ": a native this walk has no call for (added by Netty "
                        + io.netty.util.Version.identify().get("netty-transport-native-unix-common")
                        + "?): serve it in netty_unix.c and call it here");
        }
    }

    private static void expect(String name, boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(name + ": expected " + what);
        }
    }

    /** A pipe, a file and addresses of direct buffers, for the calls above; closes what it opened. */
    private static final class Scratch implements AutoCloseable {
        final Path file;
        final Method open;
        private final Method memoryAddress;
        private FileDescriptor[] pipe;
        private final List<Integer> toClose = new ArrayList<>();
        /** Keeps the buffer whose address was last taken reachable while the address is in use. */
        ByteBuffer lastAddressed;

        Scratch() throws Exception {
            file = Files.createTempFile("netty-natives", ".bin");
            open = FileDescriptor.class.getDeclaredMethod("open", String.class);
            open.setAccessible(true);
            memoryAddress = Class.forName(PKG + "Buffer").getMethod("memoryAddress", ByteBuffer.class);
        }

        FileDescriptor[] pipe() throws IOException {
            if (pipe == null) {
                pipe = FileDescriptor.pipe();
            }
            return pipe;
        }

        ByteBuffer direct(String s) {
            ByteBuffer b = ByteBuffer.allocateDirect(s.length());
            for (int i = 0; i < s.length(); i++) {
                b.put(i, (byte) s.charAt(i));
            }
            return b;
        }

        long address(ByteBuffer b) throws Exception {
            lastAddressed = b;
            return (Long) memoryAddress.invoke(null, b);
        }

        /** Reads back what a write put into the pipe, through Netty's public API. */
        void drain(int n) throws IOException {
            ByteBuffer in = ByteBuffer.allocateDirect(n);
            int got = pipe()[0].read(in, 0, n);
            if (got != n) {
                throw new AssertionError("the pipe held " + got + " bytes, not " + n);
            }
        }

        void fill(String s) throws IOException {
            pipe()[1].write(direct(s), 0, s.length());
        }

        void closeLater(int fd) {
            toClose.add(fd);
        }

        @Override
        public void close() throws IOException {
            for (int fd : toClose) {
                new FileDescriptor(fd).close();
            }
            if (pipe != null) {
                pipe[0].close();
                pipe[1].close();
            }
            Files.deleteIfExists(file);
        }
    }
}

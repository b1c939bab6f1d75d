package dev.customtransport.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds, extracts and loads the JNI library, once per class loader. Every native class depends on this having
 * succeeded; {@link dev.customtransport.Custom} reports the outcome to users.
 *
 * <p>What happens, in order:
 * <ol>
 *   <li>{@value #DISABLED_PROPERTY}{@code =true} turns the transport off (the cause is an
 *   {@link UnsupportedOperationException} naming the property);</li>
 *   <li>{@value #LIBRARY_PROPERTY}{@code =/path/to.so} loads that file as is;</li>
 *   <li>otherwise {@code META-INF/native/libcustomtransport_<os>_<arch>.so} is copied from our class loader into
 *   {@value #WORKDIR_PROPERTY} (default {@code java.io.tmpdir}), loaded with {@link System#load} from this class
 *   (so it binds to this class loader), and deleted (the mapping stays valid).</li>
 * </ol>
 * The extracted file's name carries our package prefix if the jar was shaded ({@code com.acme.} becomes
 * {@code libcom_acme_customtransport_linux_x86_64_<n>.so}, mangled as JNI mangles names), so that
 * {@code JNI_OnLoad} registers the natives against the relocated class names. A C library mismatch (a glibc
 * build on musl) or an unknown platform is refused with a reason before anything is loaded.
 */
public final class NativeLibrary {
    /** {@code -Ddev.customtransport.disabled=true}: do not load; the transport reports itself unavailable. */
    public static final String DISABLED_PROPERTY = "dev.customtransport.disabled";
    /** {@code -Ddev.customtransport.native.library=/path/to.so}: load this file instead of the jar's. */
    public static final String LIBRARY_PROPERTY = "dev.customtransport.native.library";
    /** {@code -Ddev.customtransport.native.workdir=/dir}: where the jar's library is extracted to. */
    public static final String WORKDIR_PROPERTY = "dev.customtransport.native.workdir";

    /** SystemNative.backend() values. */
    static final int BACKEND_EPOLL = 1;
    static final int BACKEND_KQUEUE = 2;

    // Spelled so that a shading tool, which rewrites string constants naming relocated classes, leaves it alone:
    // comparing it with our real class name is how we learn the prefix.
    private static final String UNSHADED_NAME = "dev!customtransport!internal!NativeLibrary".replace('!', '.');

    private static final String NATIVE_DIR = "META-INF/native/";
    /** A library entry in the jar: the OS has no '_' in its name, the architecture may have ("aarch_64"). */
    private static final Pattern LIBRARY_ENTRY = Pattern.compile(
            Pattern.quote(NATIVE_DIR) + "libcustomtransport_([a-z0-9]+)_([a-z0-9_]+)\\.so");

    private static final String OS = normalizeOs(System.getProperty("os.name", ""));
    private static final String ARCH = normalizeArch(System.getProperty("os.arch", ""));

    private NativeLibrary() { }

    /** The outcome, computed by the first caller (class initialisation makes it once and thread-safe). */
    private static final class Probe {
        static final Throwable CAUSE = load();
    }

    /** Loads the library if not done yet; throws {@link UnsatisfiedLinkError} (with the reason as cause) if it cannot be. */
    public static void ensureLoaded() {
        Throwable cause = Probe.CAUSE;
        if (cause != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(cause.getMessage());
            e.initCause(cause);
            throw e;
        }
    }

    /** Why the library could not be loaded, or {@code null} if it is loaded. */
    public static Throwable unavailabilityCause() {
        return Probe.CAUSE;
    }

    /** The running platform as the library names it, e.g. {@code "linux-x86_64"} or {@code "linux-aarch_64"}. */
    public static String platform() {
        return OS + "-" + ARCH;
    }

    /** The resource this jar would hold the library under for this platform. */
    static String resourceName() {
        return NATIVE_DIR + "libcustomtransport_" + OS + "_" + ARCH + ".so";
    }

    private static Throwable load() {
        if (Boolean.getBoolean(DISABLED_PROPERTY)) {
            return new UnsupportedOperationException(
                    "transport-native-custom is disabled by the system property " + DISABLED_PROPERTY + "=true");
        }
        String explicit = System.getProperty(LIBRARY_PROPERTY, "");
        String what = explicit.isEmpty() ? "resource " + resourceName() : "file " + explicit + " (" + LIBRARY_PROPERTY + ")";
        String libc = OS.equals("linux") ? runningLibc() : "n/a";
        String where = "platform " + platform() + ", libc " + libc;
        try {
            if (!isKnownOs(OS)) {
                throw new LoadFailure("this OS is not supported: the transport needs epoll (Linux) or kqueue"
                        + " (macOS, the BSDs)");
            }
            preloadNativeClasses();
            if (explicit.isEmpty()) {
                extractAndLoad(libc);
            } else {
                loadFile(Paths.get(explicit).toAbsolutePath());
            }
            verify();
            List<String> unserved = NettyUnix.register();
            if (!unserved.isEmpty()) {
                throw new LoadFailure(NettyUnix.unservedMessage(unserved));
            }
            return null;
        } catch (Throwable t) {
            String reason = t instanceof LoadFailure ? t.getMessage() : String.valueOf(t);
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(
                    "cannot load the native library of transport-native-custom (" + what + "; " + where + "): " + reason);
            e.initCause(t instanceof LoadFailure && t.getCause() != null ? t.getCause() : t);
            return e;
        }
    }

    /**
     * JNI_OnLoad looks our native classes up with FindClass. Loading them first (without initialising them) means
     * it finds them in this class loader's table and never has to run Java code from inside JNI_OnLoad.
     */
    private static void preloadNativeClasses() {
        Class<?>[] classes = {
            SystemNative.class, SocketNative.class, EpollNative.class, KqueueNative.class, DatagramNative.class,
            UnixNative.class, KernelNative.class, NettyUnixNative.class,
        };
        for (Class<?> c : classes) {
            if (c.getClassLoader() != NativeLibrary.class.getClassLoader()) {
                throw new LoadFailure(c.getName() + " comes from another class loader than " + UNSHADED_NAME);
            }
        }
    }

    private static void extractAndLoad(String libc) throws IOException {
        String resource = resourceName();
        ClassLoader loader = NativeLibrary.class.getClassLoader();
        URL url = loader == null ? ClassLoader.getSystemResource(resource) : loader.getResource(resource);
        if (url == null) {
            List<String> carried = carriedPlatforms();
            throw new LoadFailure(resource + " is not in the class path: this jar has no library for " + platform()
                    + (carried == null ? ""
                            : carried.isEmpty()
                            ? " (nor for any other platform: was it repackaged without its META-INF/native/ directory?)"
                            : "; it carries libraries for " + String.join(", ", carried) + " only"));
        }
        String builtFor = OS.equals("linux") ? builtForLibc() : "n/a";
        if (OS.equals("linux") && !libc.equals("unknown") && !builtFor.equals(libc)) {
            throw new LoadFailure("the library in this jar is linked against " + builtFor + ", but this JVM runs on "
                    + libc + "; build the jar on a " + libc + " system or point " + LIBRARY_PROPERTY + " to a "
                    + libc + " build");
        }
        Path dir = Paths.get(System.getProperty(WORKDIR_PROPERTY, System.getProperty("java.io.tmpdir")));
        Path file;
        try {
            Files.createDirectories(dir);
            file = Files.createTempFile(dir, "lib" + mangledPrefix() + "customtransport_" + OS + "_" + ARCH + "_", ".so");
        } catch (IOException e) {
            throw new LoadFailure("cannot create a file in " + dir + " (set " + WORKDIR_PROPERTY
                    + " to a writable directory): " + e, e);
        }
        try {
            try (InputStream in = url.openStream()) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            loadFile(file);
        } finally {
            // Once mapped, the file is no longer needed; deleting it now leaves nothing behind even after a crash.
            Files.deleteIfExists(file);
        }
    }

    private static void loadFile(Path file) {
        try {
            System.load(file.toString());
        } catch (UnsatisfiedLinkError e) {
            StringBuilder reason = new StringBuilder("System.load(").append(file).append(") failed: ").append(e.getMessage());
            String noexec = noexecMount(file);
            if (noexec != null) {
                reason.append("; ").append(noexec).append(" is mounted noexec, so no library can be loaded from it:"
                        + " set ").append(WORKDIR_PROPERTY).append(" to a directory on an exec mount");
            }
            if (String.valueOf(e.getMessage()).contains("unsupported JNI version")) {
                reason.append("; JNI_OnLoad refused the file name, which must be lib<prefix>customtransport_<os>_<arch>*.so");
            }
            throw new LoadFailure(reason.toString(), e);
        }
    }

    /** A side-effect-free call proves that registration worked and that the backend is the one this OS needs. */
    private static void verify() {
        int backend = SystemNative.backend();
        int expected = OS.equals("linux") ? BACKEND_EPOLL : BACKEND_KQUEUE;
        // On Linux a kqueue library is the test build against libkqueue (-Dkqueue.emulation.prefix): accepted.
        boolean emulation = OS.equals("linux") && backend == BACKEND_KQUEUE;
        if (backend != expected && !emulation) {
            throw new LoadFailure("the library was built for backend " + backend + ", but " + OS + " needs " + expected);
        }
    }

    /**
     * The package prefix a shading tool put before ours ({@code "com.acme."}), JNI-mangled: '.' becomes '_' and
     * '_' becomes "_1"; empty when not shaded.
     */
    static String mangledPrefix() {
        String name = NativeLibrary.class.getName();
        if (!name.endsWith(UNSHADED_NAME)) {
            throw new LoadFailure("cannot tell the shading prefix: " + name + " does not end with " + UNSHADED_NAME);
        }
        String prefix = name.substring(0, name.length() - UNSHADED_NAME.length());
        StringBuilder mangled = new StringBuilder();
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c == '.') {
                mangled.append('_');
            } else if (c == '_') {
                mangled.append("_1");
            } else if (c < 128 && Character.isLetterOrDigit(c)) {
                mangled.append(c);
            } else {
                throw new LoadFailure("the shaded package prefix " + prefix + " has a character JNI_OnLoad cannot"
                        + " decode from a file name: '" + c + "'");
            }
        }
        return mangled.toString();
    }

    /**
     * The platforms whose library is in the jar (or directory) our classes come from, as {@code os-arch}, sorted;
     * {@code null} if that cannot be listed. Read from the jar itself, not from a list of platforms we build for,
     * so that a jar put together by hand, or by a later release, is described as it is.
     */
    static List<String> carriedPlatforms() {
        String classFile = NativeLibrary.class.getName().replace('.', '/') + ".class";
        URL self = NativeLibrary.class.getResource("/" + classFile);
        List<String> entries = new ArrayList<>();
        try {
            URLConnection connection = self == null ? null : self.openConnection();
            if (connection instanceof JarURLConnection) {
                // A JarFile of our own, closed here: a cached one may be the class loader's.
                connection.setUseCaches(false);
                try (JarFile jar = ((JarURLConnection) connection).getJarFile()) {
                    jar.stream().forEach(e -> entries.add(e.getName()));
                }
            } else if (self != null && "file".equals(self.getProtocol())) {
                Path root = Paths.get(self.toURI());
                for (int i = classFile.split("/").length; i > 0; i--) {
                    root = root.getParent();
                }
                try (Stream<Path> files = Files.list(root.resolve(NATIVE_DIR))) {
                    files.forEach(p -> entries.add(NATIVE_DIR + p.getFileName()));
                } catch (NoSuchFileException e) {
                    // no libraries at all
                }
            } else {
                return null;
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return null;
        }
        List<String> platforms = new ArrayList<>();
        for (String entry : entries) {
            Matcher m = LIBRARY_ENTRY.matcher(entry);
            if (m.matches()) {
                platforms.add(m.group(1) + "-" + m.group(2));
            }
        }
        Collections.sort(platforms);
        return platforms;
    }

    /** "glibc", "musl" or "unknown": which C library this (Linux) JVM process has mapped. */
    static String runningLibc() {
        try {
            String maps = new String(Files.readAllBytes(Paths.get("/proc/self/maps")), StandardCharsets.ISO_8859_1);
            if (maps.contains("ld-musl") || maps.contains("libc.musl")) {
                return "musl";
            }
            if (maps.contains("libc.so.6") || maps.contains("ld-linux")) {
                return "glibc";
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: fall through
        }
        return "unknown";
    }

    /** The C library the jar's library was linked against, as the build recorded it next to the library. */
    private static String builtForLibc() throws IOException {
        String resource = resourceName().replaceFirst("\\.so$", ".libc");
        ClassLoader loader = NativeLibrary.class.getClassLoader();
        URL url = loader == null ? ClassLoader.getSystemResource(resource) : loader.getResource(resource);
        if (url == null) {
            return "glibc";
        }
        try (InputStream in = url.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
    }

    /** The mount point holding {@code file} if it is mounted noexec, else null. */
    private static String noexecMount(Path file) {
        try {
            Path real = file.getParent().toRealPath();
            List<String> mounts = Files.readAllLines(Paths.get("/proc/self/mounts"), StandardCharsets.ISO_8859_1);
            String best = null;
            boolean noexec = false;
            for (String line : mounts) {
                String[] fields = line.split(" ");
                if (fields.length < 4) {
                    continue;
                }
                String mountPoint = fields[1].replace("\\040", " ");
                if (real.startsWith(mountPoint) && (best == null || mountPoint.length() >= best.length())) {
                    best = mountPoint;
                    noexec = (',' + fields[3] + ',').contains(",noexec,");
                }
            }
            return noexec ? best : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isKnownOs(String os) {
        switch (os) {
            case "linux":
            case "osx":
            case "freebsd":
            case "openbsd":
            case "netbsd":
            case "dragonfly":
                return true;
            default:
                return false;
        }
    }

    static String normalizeOs(String name) {
        String n = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (n.startsWith("linux")) {
            return "linux";
        }
        if (n.startsWith("macosx") || n.startsWith("osx") || n.startsWith("darwin")) {
            return "osx";
        }
        for (String bsd : new String[] { "freebsd", "openbsd", "netbsd", "dragonfly" }) {
            if (n.startsWith(bsd)) {
                return bsd;
            }
        }
        return n.isEmpty() ? "unknown" : n;
    }

    static String normalizeArch(String arch) {
        String a = arch.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "");
        switch (a) {
            case "amd64":
            case "x86_64":
            case "x8664":
                return "x86_64";
            case "aarch64":
            case "arm64":
                return "aarch_64";
            default:
                return a.isEmpty() ? "unknown" : a;
        }
    }

    /** A reason the library cannot be used, worded for the user; the message ends up in the UnsatisfiedLinkError. */
    private static final class LoadFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LoadFailure(String message) {
            super(message);
        }

        LoadFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

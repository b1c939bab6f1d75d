package dev.customtransport.internal;

import dev.customtransport.Custom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NativeLibraryTest {

    @Test
    void loads() {
        assertDoesNotThrow(NativeLibrary::ensureLoaded);
        assertDoesNotThrow(NativeLibrary::ensureLoaded, "idempotent");
        assertNull(NativeLibrary.unavailabilityCause());
        assertTrue(Custom.isAvailable());
        assertNull(Custom.unavailabilityCause());
        assertDoesNotThrow(Custom::ensureAvailability);
        boolean linux = System.getProperty("os.name").toLowerCase().startsWith("linux");
        if (linux && SystemNative.backend() == NativeLibrary.BACKEND_KQUEUE) {
            // Only the test build against libkqueue (-Dkqueue.emulation.prefix) drives kqueue on Linux.
            assertTrue(KqueuePoller.isEmulated());
        } else {
            assertEquals(linux ? NativeLibrary.BACKEND_EPOLL : NativeLibrary.BACKEND_KQUEUE, SystemNative.backend());
        }
    }

    @Test
    void platformString() {
        String arch = System.getProperty("os.arch");
        assumeTrue(System.getProperty("os.name").toLowerCase().startsWith("linux"));
        if (arch.equals("amd64")) {
            assertEquals("linux-x86_64", NativeLibrary.platform());
        } else if (arch.equals("aarch64")) {
            assertEquals("linux-aarch_64", NativeLibrary.platform());
        }
        assertEquals("META-INF/native/libcustomtransport_" + NativeLibrary.platform().replace('-', '_') + ".so",
                NativeLibrary.resourceName());
    }

    @Test
    void normalisation() {
        assertEquals("x86_64", NativeLibrary.normalizeArch("amd64"));
        assertEquals("x86_64", NativeLibrary.normalizeArch("x86_64"));
        assertEquals("aarch_64", NativeLibrary.normalizeArch("aarch64"));
        assertEquals("aarch_64", NativeLibrary.normalizeArch("arm64"));
        assertEquals("linux", NativeLibrary.normalizeOs("Linux"));
        assertEquals("osx", NativeLibrary.normalizeOs("Mac OS X"));
        assertEquals("freebsd", NativeLibrary.normalizeOs("FreeBSD"));
        assertEquals("windows11", NativeLibrary.normalizeOs("Windows 11"));
    }

    @Test
    void unshadedHasNoPrefix() {
        assertEquals("", NativeLibrary.mangledPrefix());
    }

    @Test
    void libcDetected() {
        assumeTrue(NativeLibrary.platform().startsWith("linux-"));
        String libc = NativeLibrary.runningLibc();
        assertTrue(libc.equals("glibc") || libc.equals("musl"), libc);
    }

    // --- child JVMs: each probes once, so each setting needs its own JVM ---------------------------------------

    /** The child's main: reports what the loader decided, one fact per line. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println("available=" + Custom.isAvailable());
            Throwable cause = Custom.unavailabilityCause();
            if (cause != null) {
                System.out.println("cause=" + cause.getClass().getName() + ": " + cause.getMessage());
                for (Throwable t = cause.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
                    System.out.println("caused-by=" + t);
                }
                try {
                    Custom.ensureAvailability();
                    System.out.println("ensureAvailability=returned");
                } catch (UnsatisfiedLinkError e) {
                    System.out.println("ensureAvailability=" + e.getClass().getName() + " cause-is-same="
                            + (e.getCause() == cause));
                }
            } else {
                // Prove the natives work, not just that loading said so.
                System.out.println("errno-EBADF=" + Errno.name(-SocketNative.close(-1)));
            }
        }
    }

    private static String runProbe(String... properties) throws IOException, InterruptedException {
        return runProbeWithClassPath(System.getProperty("java.class.path"), properties);
    }

    private static String runProbeWithClassPathPrefix(Path prefix, String... properties)
            throws IOException, InterruptedException {
        return runProbeWithClassPath(prefix + File.pathSeparator + System.getProperty("java.class.path"), properties);
    }

    private static String runProbeWithClassPath(String classPath, String... properties)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Emulator.java());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.equals("-Xcheck:jni")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(classPath);
        for (String p : properties) {
            command.add("-D" + p);
        }
        command.add(Probe.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = process.getInputStream()) {
            out = in.readAllBytes();
        }
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "child JVM did not exit");
        String output = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        assertTrue(!output.contains("WARNING in native method"), output);
        return output;
    }

    @Test
    void killSwitchTurnsTheTransportOff() throws Exception {
        String out = runProbe(NativeLibrary.DISABLED_PROPERTY + "=true");
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("cause=java.lang.UnsupportedOperationException"), out);
        assertTrue(out.contains(NativeLibrary.DISABLED_PROPERTY), out);
        assertTrue(out.contains("ensureAvailability=java.lang.UnsatisfiedLinkError cause-is-same=true"), out);
    }

    @Test
    void explicitLibraryPathIsLoaded(@TempDir Path dir) throws Exception {
        Path lib = copyOfOurLibrary(dir, "libcustomtransport_" + NativeLibrary.platform().replace('-', '_') + ".so");
        String out = runProbe(NativeLibrary.LIBRARY_PROPERTY + "=" + lib);
        assertTrue(out.contains("available=true"), out);
        assertTrue(out.contains("errno-EBADF=EBADF"), out);
    }

    @Test
    void onLoadDerivesTheShadingPrefixFromTheFileName(@TempDir Path dir) throws Exception {
        // "my_1pkg_" decodes to "my_pkg/": JNI_OnLoad then looks for my_pkg/dev/customtransport/internal/...,
        // which this (unshaded) class path does not have. The error naming that class proves the decoding.
        Path lib = copyOfOurLibrary(dir, "libmy_1pkg_customtransport_" + NativeLibrary.platform().replace('-', '_') + "_1.so");
        String out = runProbe(NativeLibrary.LIBRARY_PROPERTY + "=" + lib);
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("my_pkg/dev/customtransport/internal/SystemNative"), out);
        assertTrue(out.contains(lib.toString()), "the message names the file: " + out);
    }

    /**
     * Every Linux library in the jar (x86_64 and, cross-compiled, aarch_64) asks for no glibc symbol version newer
     * than 2.17, aarch64's first, so it loads on every glibc distribution still in service; dladdr alone would raise
     * that to 2.34. Read with binutils' readelf, which reads any architecture's ELF files (objdump only the host's).
     */
    @Test
    void needsNoGlibcSymbolNewerThan2_17(@TempDir Path dir) throws Exception {
        for (Map.Entry<String, Path> lib : linuxLibraries(dir).entrySet()) {
            String symbols = readelf("--dyn-syms", lib.getValue());
            Matcher m = Pattern.compile("@GLIBC_2\\.(\\d+)").matcher(symbols);
            int newest = 0;
            StringBuilder culprits = new StringBuilder();
            while (m.find()) {
                int minor = Integer.parseInt(m.group(1));
                newest = Math.max(newest, minor);
                if (minor > 17) {
                    int eol = symbols.indexOf('\n', m.end());
                    culprits.append(symbols, symbols.lastIndexOf('\n', m.start()) + 1, eol < 0 ? symbols.length() : eol)
                            .append('\n');
                }
            }
            assertTrue(newest > 0, lib.getKey() + ": readelf listed no glibc symbol at all: " + symbols);
            assertTrue(newest <= 17, lib.getKey() + ": symbols newer than GLIBC_2.17:\n" + culprits);
        }
    }

    /** Every Linux library in the jar defines two dynamic symbols, JNI_OnLoad and JNI_OnUnload (-fvisibility=hidden). */
    @Test
    void exportsOnlyJniOnLoadAndJniOnUnload(@TempDir Path dir) throws Exception {
        for (Map.Entry<String, Path> lib : linuxLibraries(dir).entrySet()) {
            Set<String> exported = new TreeSet<>();
            // Num: Value Size Type Bind Vis Ndx Name
            for (String line : readelf("--dyn-syms", lib.getValue()).split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 8 && f[0].matches("\\d+:") && !f[6].equals("UND") && !f[4].equals("LOCAL")) {
                    exported.add(f[7].replaceFirst("@.*", ""));
                }
            }
            assertEquals(Set.of("JNI_OnLoad", "JNI_OnUnload"), exported, lib.getKey());
        }
    }

    /** Each Linux library is an ELF file for the architecture its name says: a mixed-up cross build fails here. */
    @Test
    void eachLibraryIsForTheArchitectureItsNameSays(@TempDir Path dir) throws Exception {
        Map<String, String> machines = Map.of("linux-x86_64", "X86-64", "linux-aarch_64", "AArch64");
        for (Map.Entry<String, Path> lib : linuxLibraries(dir).entrySet()) {
            Matcher m = Pattern.compile("Machine:\\s+(.*)").matcher(readelf("--file-header", lib.getValue()));
            assertTrue(m.find(), lib.getKey());
            String expected = machines.get(lib.getKey());
            assertNotNull(expected, "no expected ELF machine for " + lib.getKey());
            assertTrue(m.group(1).contains(expected), lib.getKey() + " is for " + m.group(1));
        }
    }

    /**
     * On a platform the jar has no library for, the reason names the platforms it does have, read from the jar
     * itself: here a jar of our classes whose only libraries are named for two other platforms (empty files, never
     * loaded).
     */
    @Test
    void aPlatformTheJarLacksIsNamedWithThePlatformsItCarries(@TempDir Path dir) throws Exception {
        List<String> others = List.of("freebsd-aarch_64", "linux-riscv64");
        assumeTrue(!others.contains(NativeLibrary.platform()), NativeLibrary.platform());
        String out = runProbeWithClassPath(classPathWithOurClassesIn(jarOfOurClasses(dir, others)));
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("this jar has no library for " + NativeLibrary.platform()
                + "; it carries libraries for freebsd-aarch_64, linux-riscv64 only"), out);
    }

    @Test
    void aJarWithoutLibrariesSaysSo(@TempDir Path dir) throws Exception {
        String out = runProbeWithClassPath(classPathWithOurClassesIn(jarOfOurClasses(dir, List.of())));
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("this jar has no library for " + NativeLibrary.platform()
                + " (nor for any other platform"), out);
    }

    /** Linux libraries of the jar by platform, each copied into dir; skips the test if there are none. */
    private static Map<String, Path> linuxLibraries(Path dir) throws IOException {
        List<String> carried = NativeLibrary.carriedPlatforms();
        assertNotNull(carried, "the class path entry of our classes can be listed");
        Map<String, Path> libs = new TreeMap<>();
        for (String platform : carried) {
            if (platform.startsWith("linux-")) {
                String name = "libcustomtransport_" + platform.replace('-', '_') + ".so";
                libs.put(platform, copyOfResource("META-INF/native/" + name, dir.resolve(name)));
            }
        }
        assumeTrue(!libs.isEmpty(), "no Linux library here: " + carried);
        System.out.println("[native] checking " + libs.keySet());
        return libs;
    }

    private static String readelf(String what, Path file) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("readelf", "-W", what, file.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "no readelf here (binutils): " + e.getMessage());
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    /** A jar of our main classes, without their libraries, holding empty files named as the given platforms' libraries. */
    private static Path jarOfOurClasses(Path dir, List<String> platforms) throws Exception {
        Path classes = ourClasses();
        assumeTrue(Files.isDirectory(classes), "our classes come from a directory (mvn test), not " + classes);
        Path jar = dir.resolve("transport-native-custom.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String name = classes.relativize(file).toString().replace(File.separatorChar, '/');
                if (!name.startsWith("META-INF/native/")) {
                    out.putNextEntry(new JarEntry(name));
                    Files.copy(file, out);
                    out.closeEntry();
                }
            }
            for (String platform : platforms) {
                out.putNextEntry(new JarEntry("META-INF/native/libcustomtransport_" + platform.replace('-', '_') + ".so"));
                out.closeEntry();
            }
        }
        return jar;
    }

    /** This JVM's class path with the entry of our main classes replaced by {@code jar}. */
    private static String classPathWithOurClassesIn(Path jar) throws Exception {
        Path classes = ourClasses();
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            entries.add(Paths.get(entry).toAbsolutePath().equals(classes) ? jar.toString() : entry);
        }
        assertTrue(entries.contains(jar.toString()), "our classes are on the class path: " + classes);
        return String.join(File.pathSeparator, entries);
    }

    private static Path ourClasses() throws Exception {
        return Paths.get(NativeLibrary.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
    }

    /**
     * A jar whose library was built for another C library (the build records it next to the library, here a
     * directory ahead of ours on the class path says musl) is refused with the reason, before any dlopen.
     */
    @Test
    void libraryBuiltForAnotherLibcIsRefusedWithTheReason(@TempDir Path dir) throws Exception {
        String running = NativeLibrary.runningLibc();
        String other = running.equals("musl") ? "glibc" : "musl";
        Path marker = dir.resolve(NativeLibrary.resourceName().replaceFirst("\\.so$", ".libc"));
        java.nio.file.Files.createDirectories(marker.getParent());
        java.nio.file.Files.writeString(marker, other + "\n");
        String out = runProbeWithClassPathPrefix(dir);
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("linked against " + other + ", but this JVM runs on " + running), out);
        assertTrue(out.contains("ensureAvailability=java.lang.UnsatisfiedLinkError"), out);
    }

    @Test
    void missingLibraryFileIsExplained(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("libcustomtransport_nowhere.so");
        String out = runProbe(NativeLibrary.LIBRARY_PROPERTY + "=" + missing);
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("cause=java.lang.UnsatisfiedLinkError"), out);
        assertTrue(out.contains(missing.toString()), out);
        assertTrue(out.contains("platform " + NativeLibrary.platform()), out);
        assertTrue(out.contains("libc "), out);
    }

    @Test
    void unusableWorkDirectoryIsExplained(@TempDir Path dir) throws Exception {
        Path notADirectory = Files.createFile(dir.resolve("file"));
        String out = runProbe(NativeLibrary.WORKDIR_PROPERTY + "=" + notADirectory);
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains(NativeLibrary.WORKDIR_PROPERTY), out);
        assertTrue(out.contains(NativeLibrary.resourceName()), out);
    }

    @Test
    void extractedFileIsDeleted(@TempDir Path dir) throws Exception {
        String out = runProbe(NativeLibrary.WORKDIR_PROPERTY + "=" + dir);
        assertTrue(out.contains("available=true"), out);
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "nothing left in the work directory");
        }
    }

    private static Path copyOfOurLibrary(Path dir, String name) throws IOException {
        return copyOfResource(NativeLibrary.resourceName(), dir.resolve(name));
    }

    private static Path copyOfResource(String resource, Path file) throws IOException {
        try (InputStream in = NativeLibrary.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            Files.copy(in, file);
            return file;
        }
    }
}

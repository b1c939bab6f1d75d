package dev.customtransport.internal;

import dev.customtransport.Custom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
        return runProbeWithClassPathPrefix(null, properties);
    }

    private static String runProbeWithClassPathPrefix(Path prefix, String... properties)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Emulator.java());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.equals("-Xcheck:jni")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add((prefix == null ? "" : prefix + java.io.File.pathSeparator) + System.getProperty("java.class.path"));
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
     * The library asks for no glibc symbol version newer than 2.17 (aarch64's first), so it loads on every glibc
     * distribution still in service; dladdr alone would raise that to 2.34. Read with binutils' objdump.
     */
    @Test
    void needsNoGlibcSymbolNewerThan2_17(@TempDir Path dir) throws Exception {
        assumeTrue(NativeLibrary.platform().startsWith("linux-") && "glibc".equals(NativeLibrary.runningLibc()), "glibc");
        Path lib = copyOfOurLibrary(dir, "libcustomtransport_probe.so");
        Process p;
        try {
            p = new ProcessBuilder("objdump", "-T", lib.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "no objdump here: " + e.getMessage());
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("GLIBC_2\\.(\\d+)").matcher(out);
        int newest = 0;
        StringBuilder culprits = new StringBuilder();
        while (m.find()) {
            int minor = Integer.parseInt(m.group(1));
            newest = Math.max(newest, minor);
            if (minor > 17) {
                int eol = out.indexOf('\n', m.end());
                culprits.append(out, m.start(), eol < 0 ? out.length() : eol).append('\n');
            }
        }
        assertTrue(newest > 0, "objdump listed no glibc symbol at all: " + out);
        assertTrue(newest <= 17, "symbols newer than GLIBC_2.17:\n" + culprits);
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
        try (InputStream in = NativeLibrary.class.getClassLoader().getResourceAsStream(NativeLibrary.resourceName())) {
            assertNotNull(in, NativeLibrary.resourceName());
            Path lib = dir.resolve(name);
            Files.copy(in, lib);
            return lib;
        }
    }
}

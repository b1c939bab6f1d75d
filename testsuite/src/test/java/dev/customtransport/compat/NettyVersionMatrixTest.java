package dev.customtransport.compat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The compatibility matrix: our installed jar (compiled against the oldest Netty we support) with each Netty 4.2.x
 * release from that floor to the newest, one JVM per release and JDK, with nothing of another Netty release on the
 * class path: {@link CompatSmoke} there. The releases and their jars come from the testsuite pom
 * ({@code compat.versions}, execution {@code netty-matrix}); JDK 25 runs them too where it is installed.
 */
class NettyVersionMatrixTest {
    private static final List<String> VERSIONS = Arrays.asList(property("compat.versions").split(","));
    private static final Path MATRIX = Paths.get(property("compat.matrix.dir"));
    /** What the smoke needs of this module: its own classes, copied away from the rest of test-classes. */
    private static Path smokeClasses;

    @Test
    void theMatrixRunsFromTheFloorToTheNewestRelease() throws IOException {
        assertEquals(property("compat.floor"), VERSIONS.get(0), "compat.versions starts at netty.floor.version");
        assertEquals(property("compat.newest"), VERSIONS.get(VERSIONS.size() - 1),
                "compat.versions ends at netty.version");
        List<String> dirs;
        try (Stream<Path> list = Files.list(MATRIX)) {
            dirs = list.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        assertEquals(VERSIONS.stream().sorted().collect(Collectors.toList()), dirs,
                "the netty-matrix execution copies exactly the releases of compat.versions");
        for (int i = 1; i < VERSIONS.size(); i++) {
            assertEquals(patch(VERSIONS.get(i - 1)) + 1, patch(VERSIONS.get(i)), "no 4.2.x release left out");
        }
    }

    @TestFactory
    Stream<DynamicTest> eachReleaseOnEachJdk() {
        List<DynamicTest> tests = new ArrayList<>();
        Path jdk17 = Paths.get(System.getProperty("java.home"));
        Path jdk25 = Paths.get(property("compat.jdk25.home"));
        for (String version : VERSIONS) {
            tests.add(DynamicTest.dynamicTest(version + " on JDK " + Runtime.version().feature(),
                    () -> runSmoke(version, jdk17)));
            tests.add(DynamicTest.dynamicTest(version + " on " + jdk25.getFileName(), () -> {
                Assumptions.assumeTrue(Files.isExecutable(jdk25.resolve("bin/java")),
                        "skipped: no JDK at " + jdk25 + " (-Dcompat.jdk25.home)");
                runSmoke(version, jdk25);
            }));
        }
        return tests.stream();
    }

    private static void runSmoke(String version, Path javaHome) throws Exception {
        String transport = property("compat.transport.classpath");
        String ours = transport.split(File.pathSeparator)[0];
        // Under "mvn test" the reactor hands out target/classes instead: that is not the installed jar.
        Assumptions.assumeTrue(ours.endsWith(".jar"), "needs the packaged jar (mvn verify), got " + ours);
        List<String> classpath = new ArrayList<>(Arrays.asList(transport.split(File.pathSeparator)));
        try (Stream<Path> jars = Files.list(MATRIX.resolve(version))) {
            List<Path> nettyJars = jars.sorted().collect(Collectors.toList());
            assertEquals(5, nettyJars.size(), "netty jars of " + version + ": " + nettyJars);
            for (Path jar : nettyJars) {
                assertTrue(jar.getFileName().toString().endsWith("-" + version + ".jar"), jar.toString());
                classpath.add(jar.toString());
            }
        }
        classpath.add(smokeClasses().toString());
        Process p = new ProcessBuilder(javaHome.resolve("bin/java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xcheck:jni",
                "-Dio.netty.leakDetection.level=paranoid",
                "-cp", String.join(File.pathSeparator, classpath), CompatSmoke.class.getName())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the smoke did not finish: " + output);
        System.out.println("[" + version + ", " + javaHome.getFileName() + "] " + output.trim());
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("CompatSmoke: OK netty " + version), output);
        assertFalse(output.contains("LEAK:"), output);
        // -Xcheck:jni's complaints (an unchecked exception after a call into Java, a bad reference, ...).
        assertFalse(output.contains("WARNING in native method") || output.contains("FATAL ERROR in native method"),
                output);
    }

    /** This package's classes, alone in a directory, so the smoke JVM sees no other test class. */
    private static synchronized Path smokeClasses() throws IOException {
        if (smokeClasses == null) {
            Path from;
            try {
                from = Paths.get(NettyVersionMatrixTest.class.getProtectionDomain().getCodeSource().getLocation()
                        .toURI());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
            Path to = MATRIX.resolveSibling("compat-smoke-classes");
            String pkg = CompatSmoke.class.getPackageName().replace('.', '/');
            Files.createDirectories(to.resolve(pkg));
            try (Stream<Path> files = Files.list(from.resolve(pkg))) {
                files.filter(f -> !f.getFileName().toString().startsWith(NettyVersionMatrixTest.class.getSimpleName()))
                        .forEach(f -> {
                            try {
                                Files.copy(f, to.resolve(pkg).resolve(f.getFileName()),
                                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
            }
            smokeClasses = to;
        }
        return smokeClasses;
    }

    private static int patch(String version) {
        String[] parts = version.split("\\.");
        return Integer.parseInt(parts[2]);
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException("-D" + name + " is set by the testsuite pom");
        }
        return value;
    }
}

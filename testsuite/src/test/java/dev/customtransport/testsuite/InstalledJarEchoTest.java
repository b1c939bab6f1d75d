package dev.customtransport.testsuite;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application that has only our packaged jar and its runtime dependencies on its class path (no
 * target/classes, no Netty native artifact) runs a server and a client on our transport and echoes: the library
 * loads from inside the jar. Runs {@code examples/EchoExample.java} with the JDK's source launcher.
 */
class InstalledJarEchoTest {

    @Test
    void echoExampleRunsAgainstThePackagedJar() throws Exception {
        String classpath = System.getProperty("installedJar.classpath");
        String example = System.getProperty("installedJar.example");
        assertNotNull(classpath, "installedJar.classpath is set by the testsuite pom");
        String ours = classpath.split(File.pathSeparator)[0];
        // Under "mvn test" the reactor hands out target/classes instead: that is not the packaged jar.
        Assumptions.assumeTrue(ours.endsWith(".jar"), "needs the packaged jar (mvn verify), got " + ours);
        for (String entry : classpath.split(File.pathSeparator)) {
            assertTrue(entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry)), "not a jar file: " + entry);
            assertFalse(entry.contains("netty-transport-native-epoll") || entry.contains("io_uring"), entry);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-Dio.netty.leakDetection.level=paranoid", "-cp", classpath, example)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "example did not finish");
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("EchoExample: OK"), output);
        assertFalse(output.contains("LEAK:"), output);
    }
}

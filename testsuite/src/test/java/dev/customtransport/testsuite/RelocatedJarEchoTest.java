package dev.customtransport.testsuite;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A copy of our packaged jar with its packages relocated, as a shading application does
 * ({@code dev.customtransport} to {@code shaded.acme.dev.customtransport}), still loads its library and runs the
 * echo example (relocated the same way). The relocation rewrites every name in the class files' constant pools,
 * slashed and dotted, as maven-shade-plugin's relocator does. Like Netty's own native loader, ours supports
 * relocation by a package prefix (what shading configurations do), not renaming our packages.
 */
class RelocatedJarEchoTest {
    private static final String FROM = "dev/customtransport/";
    private static final String TO = "shaded/acme/dev/customtransport/";

    @Test
    void relocatedCopyOfTheJarRunsTheEchoExample(@TempDir Path dir) throws Exception {
        String classpath = System.getProperty("installedJar.classpath");
        String example = System.getProperty("installedJar.example");
        assertNotNull(classpath, "installedJar.classpath is set by the testsuite pom");
        String[] entries = classpath.split(File.pathSeparator);
        String ours = entries[0];
        Assumptions.assumeTrue(ours.endsWith(".jar"), "needs the packaged jar (mvn verify), got " + ours);

        Path relocated = dir.resolve("relocated-transport.jar");
        int classes = relocate(Path.of(ours), relocated);
        assertTrue(classes > 20, classes + " classes relocated");
        Path source = dir.resolve("EchoExample.java");
        Files.writeString(source, Files.readString(Path.of(example)).replace("dev.customtransport.", "shaded.acme.dev.customtransport."));

        StringBuilder cp = new StringBuilder(relocated.toString());
        for (int i = 1; i < entries.length; i++) {
            cp.append(File.pathSeparator).append(entries[i]);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", cp.toString(),
                "-Djava.io.tmpdir=" + dir, source.toString())
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
        assertFalse(output.contains(" dev.customtransport"), "nothing of the original packages in use: " + output);
    }

    /** Copies the jar with every class moved and every name in it rewritten; returns how many classes moved. */
    private static int relocate(Path from, Path to) throws Exception {
        int classes = 0;
        try (JarFile in = new JarFile(from.toFile());
             JarOutputStream out = new JarOutputStream(Files.newOutputStream(to))) {
            for (JarEntry e : java.util.Collections.list(in.entries())) {
                byte[] data;
                try (InputStream s = in.getInputStream(e)) {
                    data = s.readAllBytes();
                }
                String name = e.getName();
                if (name.endsWith(".class")) {
                    data = relocateClass(data);
                }
                if (name.startsWith(FROM)) {
                    name = TO + name.substring(FROM.length());
                    classes += name.endsWith(".class") ? 1 : 0;
                }
                out.putNextEntry(new JarEntry(name));
                out.write(data);
                out.closeEntry();
            }
        }
        return classes;
    }

    /** Rewrites the UTF8 constants of a class file; everything after the constant pool refers to it by index. */
    private static byte[] relocateClass(byte[] data) throws java.io.IOException {
        java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(data));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(data.length + 256);
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.writeInt(in.readInt()); // magic
        out.writeInt(in.readInt()); // minor, major
        int count = in.readUnsignedShort();
        out.writeShort(count);
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            out.writeByte(tag);
            switch (tag) {
                case 1: // Utf8
                    out.writeUTF(in.readUTF().replace(FROM, TO)
                            .replace(FROM.replace('/', '.'), TO.replace('/', '.')));
                    break;
                case 5: // Long
                case 6: // Double: two slots
                    out.writeLong(in.readLong());
                    i++;
                    break;
                case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
                    out.writeInt(in.readInt());
                    break;
                case 7: case 8: case 16: case 19: case 20:
                    out.writeShort(in.readUnsignedShort());
                    break;
                case 15: // MethodHandle
                    out.writeByte(in.readUnsignedByte());
                    out.writeShort(in.readUnsignedShort());
                    break;
                default:
                    throw new java.io.IOException("constant pool tag " + tag);
            }
        }
        in.transferTo(out);
        out.flush();
        return bytes.toByteArray();
    }
}

package dev.customtransport.microbench.compare;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The C programs the build put in the jar under META-INF/bench-native/, copied out to be run. */
final class NativeTools {
    static final String LOADGEN = "loadgen";
    static final String ECHO_SERVER = "echo_server";

    private NativeTools() { }

    /** Copies the programs into {@code dir} and makes them executable; returns {@code dir}. */
    static Path extract(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String name : new String[] {LOADGEN, ECHO_SERVER}) {
            try (InputStream in = NativeTools.class.getResourceAsStream("/META-INF/bench-native/" + name)) {
                if (in == null) {
                    throw new IOException("META-INF/bench-native/" + name + " is not in the jar; build it with "
                            + "mvn -B -q -DskipTests package (needs gcc)");
                }
                Path target = dir.resolve(name);
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                if (!target.toFile().setExecutable(true)) {
                    throw new IOException("cannot make " + target + " executable");
                }
            }
        }
        return dir;
    }
}

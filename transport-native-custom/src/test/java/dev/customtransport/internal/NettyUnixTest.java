package dev.customtransport.internal;

import dev.customtransport.Custom;

import io.netty.channel.unix.FileDescriptor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netty's unix natives are bound one method at a time against what the running Netty declares (issue
 * [netty-current]: Netty 4.2.20 added {@code errnoENAMETOOLONG}, and a fixed table then failed as a whole).
 * Stand-ins for Netty's classes play an older and a newer Netty.
 */
class NettyUnixTest {

    @BeforeAll
    static void load() {
        Custom.ensureAvailability();
    }

    /** Netty 4.2.19's Errors: without errnoENAMETOOLONG. */
    static final class OlderErrors {
        static native int errnoENOENT();
        static native int errnoEBADF();
    }

    /** A later Netty's Errors: one errno native more than our library knows. */
    static final class NewerErrors {
        static native int errnoENAMETOOLONG();
        static native int errnoEFUTURE();
    }

    /** An older Netty's Errors without a native we serve: the others are bound, nothing fails. */
    @Test
    void aNativeThisNettyLacksIsSkipped() {
        assertEquals(List.of(), NettyUnix.bindAll(OlderErrors.class, NettyUnixNative.TABLE_ERRORS));
        assertEquals(Errno.ENOENT, OlderErrors.errnoENOENT());
        assertEquals(Errno.EBADF, OlderErrors.errnoEBADF());
    }

    /** A newer Netty's native we do not implement is returned by name; the ones we have are still bound. */
    @Test
    void aNativeWeLackIsNamed() {
        List<String> missing = NettyUnix.bindAll(NewerErrors.class, NettyUnixNative.TABLE_ERRORS);
        assertEquals(List.of(NewerErrors.class.getName() + ".errnoEFUTURE()I"), missing);
        assertEquals(Errno.ENAMETOOLONG, NewerErrors.errnoENAMETOOLONG());
        assertThrows(UnsatisfiedLinkError.class, NewerErrors::errnoEFUTURE);
    }

    @Test
    void theLoadFailureNamesTheNativesAndTheNettyRelease() {
        String message = NettyUnix.unservedMessage(List.of("io.netty.channel.unix.Errors.errnoEFUTURE()I"));
        assertTrue(message.contains("io.netty.channel.unix.Errors.errnoEFUTURE()I"), message);
        assertTrue(message.contains("netty-transport-native-unix-common " + NettyUnix.nettyUnixVersion()), message);
        assertFalse(NettyUnix.nettyUnixVersion().contains("unknown"), NettyUnix.nettyUnixVersion());
    }

    /** The Netty on this class path: every native of the classes we serve is served. */
    @Test
    void everyNativeOfThisNettyIsServed() {
        assertEquals(List.of(), NettyUnix.register());
    }

    /**
     * Regression: our FileDescriptor.writev(ByteBuffer[]) asked Java for a buffer's position and then its limit
     * without checking for an exception in between, which -Xcheck:jni reports on every call. Runs the call in a
     * JVM of its own, with the check on, and reads what it printed.
     */
    @Test
    void writevOfByteBuffersMakesNoUncheckedJniCall() throws Exception {
        String java = Emulator.java();
        Process p = new ProcessBuilder(java, "-Xcheck:jni", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), WritevMain.class.getName())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("writev: 6"), output);
        assertFalse(output.contains("WARNING in native method"), output);
    }

    /** The child of {@link #writevOfByteBuffersMakesNoUncheckedJniCall}. */
    public static final class WritevMain {
        public static void main(String[] args) throws Exception {
            Custom.ensureAvailability();
            FileDescriptor[] pipe = FileDescriptor.pipe();
            try {
                ByteBuffer a = ByteBuffer.allocateDirect(3).put("abc".getBytes(StandardCharsets.US_ASCII)).flip();
                ByteBuffer b = ByteBuffer.allocateDirect(3).put("def".getBytes(StandardCharsets.US_ASCII)).flip();
                System.out.println("writev: " + pipe[1].writev(new ByteBuffer[] { a, b }, 0, 2, 1024));
            } finally {
                pipe[0].close();
                pipe[1].close();
            }
        }
    }
}

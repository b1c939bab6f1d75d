package dev.customtransport.faults;

import dev.customtransport.internal.NativeLibrary;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The controls of the fault-injection build of the native library (src/main/c/faults.c), which the surefire
 * execution {@code faults} loads instead of the jar's. Its natives are found by their JNI names in that library; the
 * shipped one has none of them, so {@link #configure} fails there with an {@link UnsatisfiedLinkError}.
 *
 * <pre>{@code
 * FaultInjection.assumeLoaded();
 * long seed = FaultInjection.seedForRun();
 * FaultInjection.configure(seed, new FaultInjection.Rates().all(Kind.SHORT, 100_000));
 * ... // run traffic
 * System.out.println(FaultInjection.counts());
 * FaultInjection.off();
 * }</pre>
 */
public final class FaultInjection {
    /** {@code -Ddev.customtransport.test.faultSeed=N} replays a run: the seed each test prints. */
    public static final String SEED_PROPERTY = "dev.customtransport.test.faultSeed";

    /** The wrapped calls, in faults.c's order. */
    public enum Site { RECV, SEND, WRITEV, RECVMSG, SENDMSG, RECVMMSG, SENDMMSG, SENDFILE, SPLICE, ACCEPT, SOCKET, WAIT }

    /** The faults, in faults.c's order (its header says which site meets which). */
    public enum Kind { EINTR, EAGAIN, SHORT, NOMEM, RESET, NOFILE, EARLY }

    private static final int SITES = Site.values().length;
    private static final int KINDS = Kind.values().length;

    private FaultInjection() { }

    /** Rates in parts per million, per site and kind; a pair a site cannot meet is ignored by the library. */
    public static final class Rates {
        private final int[] ppm = new int[SITES * KINDS];

        /** {@code kind} at every site that can meet it. */
        public Rates all(Kind kind, int partsPerMillion) {
            for (Site site : Site.values()) {
                at(site, kind, partsPerMillion);
            }
            return this;
        }

        public Rates at(Site site, Kind kind, int partsPerMillion) {
            ppm[site.ordinal() * KINDS + kind.ordinal()] = partsPerMillion;
            return this;
        }
    }

    /** The faults injected, by site and kind. */
    public static final class Counts {
        private final long[] values;

        Counts(long[] values) {
            this.values = values;
        }

        public long at(Site site, Kind kind) {
            return values[site.ordinal() * KINDS + kind.ordinal()];
        }

        public long of(Kind kind) {
            long n = 0;
            for (Site site : Site.values()) {
                n += at(site, kind);
            }
            return n;
        }

        public Map<Kind, Long> byKind() {
            Map<Kind, Long> m = new EnumMap<>(Kind.class);
            for (Kind kind : Kind.values()) {
                m.put(kind, of(kind));
            }
            return m;
        }

        /** E.g. {@code "eintr 120 (recv 40, send 80), short 900 (...)"}: the kinds met, with their sites. */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (Kind kind : Kind.values()) {
                if (of(kind) == 0) {
                    continue;
                }
                sb.append(sb.length() == 0 ? "" : ", ").append(kind.name().toLowerCase()).append(' ').append(of(kind))
                        .append(" (");
                String sep = "";
                for (Site site : Site.values()) {
                    if (at(site, kind) != 0) {
                        sb.append(sep).append(site.name().toLowerCase()).append(' ').append(at(site, kind));
                        sep = ", ";
                    }
                }
                sb.append(')');
            }
            return sb.length() == 0 ? "none" : sb.toString();
        }
    }

    /** A fatal fault the library injected: the descriptor it hit and the errno it returned. */
    public record Fatal(int fd, int errno) { }

    /**
     * Loads the fault-injection library, or aborts the calling test, saying why, when there is none: the kqueue
     * emulation build has none (build.sh says so when it skips it). Call it first (a {@code @BeforeAll}): the
     * natives below need the library loaded.
     */
    public static void assumeLoaded() {
        String library = System.getProperty(NativeLibrary.LIBRARY_PROPERTY, "");
        Assumptions.assumeTrue(!library.isEmpty() && Files.exists(Path.of(library)),
                "no fault-injection library at '" + library + "' (" + NativeLibrary.LIBRARY_PROPERTY
                        + "): build.sh did not build one for this platform or backend");
        NativeLibrary.ensureLoaded();
    }

    /** The seed of this run: {@value #SEED_PROPERTY} if set, else a random one (print it). */
    public static long seedForRun() {
        Long fixed = Long.getLong(SEED_PROPERTY);
        return fixed != null ? fixed : ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    /** Replaces the rates and the seed (each thread's PRNG starts again from it). */
    public static void configure(long seed, Rates rates) {
        configure(seed, rates.ppm.clone());
    }

    /** No more faults; the counts stay until {@link #clear()}. */
    public static void off() {
        configure(seed(), new int[SITES * KINDS]);
    }

    public static Counts counts() {
        long[] out = new long[SITES * KINDS];
        counts(out);
        return new Counts(out);
    }

    /** The fatal faults injected since the last {@link #clear()}, in order. */
    public static List<Fatal> fatal() {
        int[] pairs = new int[2 * 4096];
        int n = Math.min(fatal(pairs), 4096);
        List<Fatal> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(new Fatal(pairs[2 * i], pairs[2 * i + 1]));
        }
        return list;
    }

    /** Lets RESET and NOMEM hit the socket {@code fd} until it is closed (by default no socket meets them). */
    public static native void allowFatal(int fd);

    /** Zeroes the counts and the fatal log. */
    public static native void clear();

    public static native long seed();

    private static native void configure(long seed, int[] ratesPpm);

    private static native void counts(long[] out);

    private static native int fatal(int[] pairs);
}

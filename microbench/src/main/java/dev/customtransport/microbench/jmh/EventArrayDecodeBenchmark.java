package dev.customtransport.microbench.jmh;

import dev.customtransport.Custom;
import dev.customtransport.internal.EventArray;
import dev.customtransport.internal.HandleTable;
import io.netty.channel.epoll.EpollEventArrayAccess;
import io.netty.channel.epoll.Native;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.internal.PlatformDependent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Decoding one batch of ready events the way each loop does after its wait returns, without the wait: ours reads
 * the flags and the 64-bit token of each {@code struct epoll_event} from the off-heap {@link EventArray} and finds
 * the registration in the {@link HandleTable} (slot + generation); Netty's epoll reads the flags and the fd from
 * its {@code EpollEventArray} and finds the channel in an {@link IntObjectHashMap} keyed by fd. The events are
 * synthetic (EPOLLIN on {@code connections} registrations, ready in a shuffled order) but laid out exactly as the
 * kernel writes them. Score: time per batch of {@code events}. The {@code ...Only} variants read the array without
 * the lookup, to tell the two costs apart.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class EventArrayDecodeBenchmark {
    @Param({"8", "256"})
    public int events;

    @Param({"1000"})
    public int connections;

    private EventArray array;
    private HandleTable<Object> table;
    private EpollEventArrayAccess nettyArray;
    private IntObjectHashMap<Object> nettyChannels;

    @Setup(Level.Trial)
    public void setUp() {
        Custom.ensureAvailability(); // loads our library, which the array's address lookup needs
        int stride = Native.sizeofEpollEvent();
        int dataOffset = Native.offsetofEpollData();
        array = new EventArray(events, events, stride, 0, dataOffset);
        table = new HandleTable<>(connections);
        nettyArray = new EpollEventArrayAccess(events);
        nettyChannels = new IntObjectHashMap<>(connections);
        long[] tokens = new long[connections];
        for (int i = 0; i < connections; i++) {
            Object registration = new Object();
            tokens[i] = table.add(registration);
            nettyChannels.put(100 + i, registration);
        }
        long seed = 42;
        for (int i = 0; i < events; i++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            int c = (int) ((seed >>> 33) % connections);
            array.put(i, Native.EPOLLIN, tokens[c]);
            long entry = nettyArray.memoryAddress() + (long) i * stride;
            PlatformDependent.putInt(entry, Native.EPOLLIN);
            PlatformDependent.putInt(entry + dataOffset, 100 + c);
        }
    }

    @Benchmark
    public void ours(Blackhole bh) {
        for (int i = 0; i < events; i++) {
            int flags = array.flags(i);
            Object r = table.get(array.data(i));
            bh.consume(flags);
            bh.consume(r);
        }
    }

    @Benchmark
    public void nettyEpoll(Blackhole bh) {
        for (int i = 0; i < events; i++) {
            int flags = nettyArray.events(i);
            Object ch = nettyChannels.get(nettyArray.fd(i));
            bh.consume(flags);
            bh.consume(ch);
        }
    }

    /** The array alone, without the lookup: splits {@link #ours} into reading the memory and finding the handle. */
    @Benchmark
    public void oursRingOnly(Blackhole bh) {
        for (int i = 0; i < events; i++) {
            bh.consume(array.flags(i));
            bh.consume(array.data(i));
        }
    }

    @Benchmark
    public void nettyEpollArrayOnly(Blackhole bh) {
        for (int i = 0; i < events; i++) {
            bh.consume(nettyArray.events(i));
            bh.consume(nettyArray.fd(i));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        nettyArray.free();
    }
}

package dev.customtransport.testsuite;

import dev.customtransport.Custom;
import dev.customtransport.CustomDatagramChannel;
import dev.customtransport.CustomDomainDatagramChannel;
import dev.customtransport.CustomDomainSocketChannel;
import dev.customtransport.CustomEventLoopGroup;
import dev.customtransport.CustomServerDomainSocketChannel;
import dev.customtransport.CustomServerSocketChannel;
import dev.customtransport.CustomSocketChannel;
import dev.customtransport.ReadinessMode;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketTestPermutation;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Our transport's permutations of Netty's testsuite, one instance per {@link ReadinessMode}.
 *
 * <p>Lists put our transport first and NIO last: {@link #socket()} and its variants pair every server with every
 * client and drop the final NIO x NIO pair, leaving ours x ours, ours x NIO and NIO x ours. Each mode has its own
 * static group of {@value #NUM_THREADS} daemon threads, made on first use and never shut down (as Netty's own
 * transports do in their testsuites). Every channel factory, bootstrap factory and combo has a {@code toString}
 * naming the channel class and the mode, which Netty's "Running: ..." log line of each permutation prints.
 *
 * <p>Which method a test class uses follows Netty's epoll transport (see each test class).
 */
public final class CustomSocketTestPermutation extends SocketTestPermutation {

    /** Our groups, one per mode: created when a test first asks (so a mode switched off never starts one). */
    private static final Map<ReadinessMode, EventLoopGroup> GROUPS = new EnumMap<>(ReadinessMode.class);

    public static final CustomSocketTestPermutation LEVEL =
            new CustomSocketTestPermutation(ReadinessMode.LEVEL_TRIGGERED);
    public static final CustomSocketTestPermutation EDGE =
            new CustomSocketTestPermutation(ReadinessMode.EDGE_TRIGGERED);

    public static CustomSocketTestPermutation of(ReadinessMode mode) {
        switch (mode) {
            case LEVEL_TRIGGERED:
                return LEVEL;
            case EDGE_TRIGGERED:
                return EDGE;
            default:
                throw new IllegalArgumentException("unknown mode " + mode);
        }
    }

    /** The transport a bootstrap of these permutations uses. */
    public enum Transport { CUSTOM, NIO }

    private final ReadinessMode mode;

    private CustomSocketTestPermutation(ReadinessMode mode) {
        this.mode = mode;
    }

    public ReadinessMode mode() {
        return mode;
    }

    /** Our event loop group for this mode: {@value #NUM_THREADS} daemon threads, never shut down. */
    public EventLoopGroup group() {
        synchronized (GROUPS) {
            return GROUPS.computeIfAbsent(mode, m -> new CustomEventLoopGroup(NUM_THREADS,
                    new DefaultThreadFactory("testsuite-custom-" + shortName(m), true), m));
        }
    }

    /** {@code "lt"} or {@code "et"}. */
    public static String shortName(ReadinessMode mode) {
        return mode == ReadinessMode.LEVEL_TRIGGERED ? "lt" : "et";
    }

    // ---------------------------------------------------------------- server x client

    @Override
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socket() {
        return withoutNioNio(combo(serverSocket(), clientSocket()));
    }

    /**
     * {@link #serverSocket()} x {@link #clientSocketWithFastOpen()}, without NIO x NIO: with TCP fast open on our side
     * where the kernel allows it, as Netty's epoll transport does.
     */
    @Override
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socketWithFastOpen() {
        return withoutNioNio(combo(serverSocket(), clientSocketWithFastOpen()));
    }

    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socketWithoutFastOpen() {
        return withoutNioNio(combo(serverSocket(), clientSocket()));
    }

    // ---------------------------------------------------------------- one side

    /**
     * Ours, ours with {@code TCP_FASTOPEN} (a queue of 5) when the kernel's server side of fast open is on, then NIO
     * (NIO must stay last: see {@link #socket()}).
     */
    @Override
    public List<BootstrapFactory<ServerBootstrap>> serverSocket() {
        List<BootstrapFactory<ServerBootstrap>> list = new ArrayList<>();
        SideFactory<ServerSocketChannel> ours = new SideFactory<>(Transport.CUSTOM, mode,
                CustomServerSocketChannel.class, CustomServerSocketChannel::new);
        list.add(new LabelledBootstrapFactory<>(ours.toString(),
                () -> new ServerBootstrap().group(group()).channelFactory(ours)));
        if (Custom.isTcpFastOpenServerSideAvailable()) {
            list.add(new LabelledBootstrapFactory<>(ours + "+TCP_FASTOPEN",
                    () -> new ServerBootstrap().group(group()).channelFactory(ours)
                            .option(ChannelOption.TCP_FASTOPEN, 5)));
        }
        SideFactory<ServerSocketChannel> nio = new SideFactory<>(Transport.NIO, null,
                NioServerSocketChannel.class, NioServerSocketChannel::new);
        list.add(new LabelledBootstrapFactory<>(nio.toString(),
                () -> new ServerBootstrap().group(NIO_GROUP).channelFactory(nio)));
        return list;
    }

    /** Ours, then NIO (NIO must stay last: see {@link #socket()}). */
    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocket() {
        List<BootstrapFactory<Bootstrap>> list = new ArrayList<>();
        SideFactory<SocketChannel> ours = new SideFactory<>(Transport.CUSTOM, mode,
                CustomSocketChannel.class, CustomSocketChannel::new);
        list.add(new LabelledBootstrapFactory<>(ours.toString(),
                () -> new Bootstrap().group(group()).channelFactory(ours)));
        SideFactory<SocketChannel> nio = new SideFactory<>(Transport.NIO, null,
                NioSocketChannel.class, NioSocketChannel::new);
        list.add(new LabelledBootstrapFactory<>(nio.toString(),
                () -> new Bootstrap().group(NIO_GROUP).channelFactory(nio)));
        return list;
    }

    /**
     * Ours, ours with {@code TCP_FASTOPEN_CONNECT} when the kernel's client side of fast open is on, then NIO (NIO
     * must stay last: see {@link #socket()}).
     */
    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocketWithFastOpen() {
        List<BootstrapFactory<Bootstrap>> list = clientSocket();
        if (Custom.isTcpFastOpenClientSideAvailable()) {
            SideFactory<SocketChannel> ours = new SideFactory<>(Transport.CUSTOM, mode,
                    CustomSocketChannel.class, CustomSocketChannel::new);
            list.add(list.size() - 1, new LabelledBootstrapFactory<>(ours + "+TCP_FASTOPEN_CONNECT",
                    () -> new Bootstrap().group(group()).channelFactory(ours)
                            .option(ChannelOption.TCP_FASTOPEN_CONNECT, true)));
        }
        return list;
    }

    // ---------------------------------------------------------------- datagrams

    /** Ours and NIO, every pair of the two (ours x ours, ours x NIO, NIO x ours, NIO x NIO), as Netty's epoll does. */
    @Override
    public List<BootstrapComboFactory<Bootstrap, Bootstrap>> datagram(SocketProtocolFamily family) {
        List<BootstrapFactory<Bootstrap>> list = new ArrayList<>();
        SideFactory<DatagramChannel> ours = new SideFactory<>(Transport.CUSTOM, mode,
                CustomDatagramChannel.class, () -> new CustomDatagramChannel(family));
        list.add(new LabelledBootstrapFactory<>(ours + "[" + family + "]",
                () -> new Bootstrap().group(group()).channelFactory(ours)));
        SideFactory<DatagramChannel> nio = new SideFactory<>(Transport.NIO, null,
                NioDatagramChannel.class, () -> new NioDatagramChannel(family));
        list.add(new LabelledBootstrapFactory<>(nio + "[" + family + "]",
                () -> new Bootstrap().group(NIO_GROUP).channelFactory(nio)));
        return combo(list, list);
    }

    /** Ours only, as Netty's epoll does. */
    @Override
    public List<BootstrapFactory<Bootstrap>> datagramSocket() {
        SideFactory<DatagramChannel> ours = new SideFactory<>(Transport.CUSTOM, mode,
                CustomDatagramChannel.class, CustomDatagramChannel::new);
        return List.of(new LabelledBootstrapFactory<>(ours.toString(),
                () -> new Bootstrap().group(group()).channelFactory(ours)));
    }

    // ---------------------------------------------------------------- unix domain sockets (NIO has no equivalent)

    /** Our domain socket server x our domain socket client. */
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> domainSocket() {
        return combo(serverDomainSocket(), clientDomainSocket());
    }

    public List<BootstrapFactory<ServerBootstrap>> serverDomainSocket() {
        SideFactory<ServerChannel> ours = new SideFactory<>(Transport.CUSTOM, mode,
                CustomServerDomainSocketChannel.class, CustomServerDomainSocketChannel::new);
        return List.of(new LabelledBootstrapFactory<>(ours.toString(),
                () -> new ServerBootstrap().group(group()).channelFactory(ours)));
    }

    public List<BootstrapFactory<Bootstrap>> clientDomainSocket() {
        SideFactory<Channel> ours = new SideFactory<>(Transport.CUSTOM, mode,
                CustomDomainSocketChannel.class, CustomDomainSocketChannel::new);
        return List.of(new LabelledBootstrapFactory<>(ours.toString(),
                () -> new Bootstrap().group(group()).channelFactory(ours)));
    }

    /** Our domain datagram channel on both sides. */
    public List<BootstrapComboFactory<Bootstrap, Bootstrap>> domainDatagram() {
        return combo(domainDatagramSocket(), domainDatagramSocket());
    }

    public List<BootstrapFactory<Bootstrap>> domainDatagramSocket() {
        SideFactory<Channel> ours = new SideFactory<>(Transport.CUSTOM, mode,
                CustomDomainDatagramChannel.class, CustomDomainDatagramChannel::new);
        return List.of(new LabelledBootstrapFactory<>(ours.toString(),
                () -> new Bootstrap().group(group()).channelFactory(ours)));
    }

    /**
     * A fresh path for a domain socket in the temporary directory: a file is created to reserve a unique name and
     * deleted again, so that {@code bind} can create the socket file there.
     */
    public static DomainSocketAddress newDomainSocketAddress() {
        try {
            File file = File.createTempFile("custom-testsuite", ".sock");
            if (!file.delete()) {
                throw new IOException("could not delete " + file);
            }
            return new DomainSocketAddress(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- combos and labels

    /** Like the inherited one, but each combo's {@code toString} names both sides. */
    @Override
    protected <A extends AbstractBootstrap<?, ?>, B extends AbstractBootstrap<?, ?>>
    List<BootstrapComboFactory<A, B>> combo(List<BootstrapFactory<A>> sbfs, List<BootstrapFactory<B>> cbfs) {
        List<BootstrapComboFactory<A, B>> list = new ArrayList<>();
        for (BootstrapFactory<A> sbf : sbfs) {
            for (BootstrapFactory<B> cbf : cbfs) {
                list.add(new LabelledCombo<>(sbf, cbf));
            }
        }
        return list;
    }

    /** Drops the last combo, which must be NIO x NIO: NIO has to stay last in both lists. */
    private static <A extends AbstractBootstrap<?, ?>, B extends AbstractBootstrap<?, ?>>
    List<BootstrapComboFactory<A, B>> withoutNioNio(List<BootstrapComboFactory<A, B>> list) {
        BootstrapComboFactory<A, B> last = list.get(list.size() - 1);
        if (transportOf(last.newServerInstance()) != Transport.NIO
                || transportOf(last.newClientInstance()) != Transport.NIO) {
            throw new IllegalStateException("the last combo must be NIO x NIO, was " + last);
        }
        list.remove(list.size() - 1);
        return list;
    }

    /** The factory a bootstrap of these permutations creates its channels with, or {@code null} for others'. */
    @SuppressWarnings("deprecation")
    public static SideFactory<?> sideOf(AbstractBootstrap<?, ?> bootstrap) {
        io.netty.bootstrap.ChannelFactory<?> factory = bootstrap.config().channelFactory();
        return factory instanceof SideFactory ? (SideFactory<?>) factory : null;
    }

    /** The transport of a bootstrap made by these permutations, or {@code null} for one made elsewhere. */
    public static Transport transportOf(AbstractBootstrap<?, ?> bootstrap) {
        SideFactory<?> side = sideOf(bootstrap);
        return side == null ? null : side.transport();
    }

    /** A channel factory that knows its transport, class and mode, and says so in {@code toString}. */
    public static final class SideFactory<C extends Channel> implements ChannelFactory<C> {
        private final Transport transport;
        private final ReadinessMode mode;
        private final Class<? extends C> channelClass;
        private final Supplier<? extends C> constructor;

        SideFactory(Transport transport, ReadinessMode mode, Class<? extends C> channelClass,
                    Supplier<? extends C> constructor) {
            this.transport = transport;
            this.mode = mode;
            this.channelClass = channelClass;
            this.constructor = constructor;
        }

        @Override
        public C newChannel() {
            return constructor.get();
        }

        public Transport transport() {
            return transport;
        }

        /** Our loops' mode; {@code null} for NIO. */
        public ReadinessMode mode() {
            return mode;
        }

        public Class<? extends C> channelClass() {
            return channelClass;
        }

        @Override
        public String toString() {
            return channelClass.getSimpleName() + (mode == null ? "" : "(" + mode + ")");
        }
    }

    private static final class LabelledBootstrapFactory<B extends AbstractBootstrap<?, ?>>
            implements BootstrapFactory<B> {
        private final String label;
        private final Supplier<B> supplier;

        LabelledBootstrapFactory(String label, Supplier<B> supplier) {
            this.label = label;
            this.supplier = supplier;
        }

        @Override
        public B newInstance() {
            return supplier.get();
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private static final class LabelledCombo<A extends AbstractBootstrap<?, ?>, B extends AbstractBootstrap<?, ?>>
            implements BootstrapComboFactory<A, B> {
        private final BootstrapFactory<A> server;
        private final BootstrapFactory<B> client;

        LabelledCombo(BootstrapFactory<A> server, BootstrapFactory<B> client) {
            this.server = server;
            this.client = client;
        }

        @Override
        public A newServerInstance() {
            return server.newInstance();
        }

        @Override
        public B newClientInstance() {
            return client.newInstance();
        }

        @Override
        public String toString() {
            return "server " + server + " x client " + client;
        }
    }
}

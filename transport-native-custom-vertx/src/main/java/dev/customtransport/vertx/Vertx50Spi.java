package dev.customtransport.vertx;

import dev.customtransport.CustomChannelOption;
import dev.customtransport.CustomDatagramChannel;
import dev.customtransport.IdleStrategy;
import dev.customtransport.ReadinessMode;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DatagramChannel;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The transport SPI of Vert.x 5.0: {@code datagramChannel()} and {@code configure(...)} with the options objects.
 * This module compiles against the 5.1+ SPI, which has neither, so nothing here is an {@code @Override} of it; on a
 * 5.0 Vert.x these methods implement and override the SPI's by name and signature. The SPI's own 5.0 defaults
 * (the options every transport gets: SO_REUSEADDR, TCP_NODELAY, buffers, linger, ...) are reached through method
 * handles, the compiled form of {@code super.configure(...)}, so that Vert.x stays their one source.
 */
final class Vertx50Spi extends VertxTransportSpi {
    private static final MethodHandle SERVER_DEFAULTS;
    private static final MethodHandle CLIENT_DEFAULTS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SERVER_DEFAULTS = lookup.findSpecial(VertxTransportSpi.class, "configure", MethodType.methodType(void.class,
                    NetServerOptions.class, boolean.class, ServerBootstrap.class), Vertx50Spi.class);
            CLIENT_DEFAULTS = lookup.findSpecial(VertxTransportSpi.class, "configure", MethodType.methodType(void.class,
                    ClientOptionsBase.class, int.class, boolean.class, Bootstrap.class), Vertx50Spi.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("not the Vert.x 5.0 transport SPI: " + e);
        }
    }

    Vertx50Spi(ReadinessMode mode, IdleStrategy idle) {
        super(mode, idle);
    }

    /** 5.0: the channel of Vert.x's DNS resolver. */
    public DatagramChannel datagramChannel() {
        return new CustomDatagramChannel();
    }

    /** Required by the 5.1+ SPI this class is compiled against; 5.0 never calls it. */
    @Override
    public ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
        return CustomDatagramChannel::new;
    }

    /** 5.0: a server's options. */
    public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
        if (!domainSocket) {
            bootstrap.option(CustomChannelOption.SO_REUSEPORT, options.isReusePort());
            if (options.isTcpFastOpen()) {
                bootstrap.option(ChannelOption.TCP_FASTOPEN, FAST_OPEN_QUEUE);
            }
            bootstrap.childOption(CustomChannelOption.TCP_USER_TIMEOUT, options.getTcpUserTimeout());
            bootstrap.childOption(CustomChannelOption.TCP_QUICKACK, options.isTcpQuickAck());
            bootstrap.childOption(CustomChannelOption.TCP_CORK, options.isTcpCork());
        }
        callDefaults(SERVER_DEFAULTS, this, options, domainSocket, bootstrap);
    }

    /** 5.0: a client's options. */
    public void configure(ClientOptionsBase options, int connectTimeout, boolean domainSocket, Bootstrap bootstrap) {
        if (!domainSocket) {
            if (options.isTcpFastOpen()) {
                bootstrap.option(ChannelOption.TCP_FASTOPEN_CONNECT, true);
            }
            bootstrap.option(CustomChannelOption.TCP_USER_TIMEOUT, options.getTcpUserTimeout());
            bootstrap.option(CustomChannelOption.TCP_QUICKACK, options.isTcpQuickAck());
            bootstrap.option(CustomChannelOption.TCP_CORK, options.isTcpCork());
        }
        callDefaults(CLIENT_DEFAULTS, this, options, connectTimeout, domainSocket, bootstrap);
    }

    /** Once per server or client bootstrap, so the generic invocation costs nothing that matters. */
    private static void callDefaults(MethodHandle defaults, Object... arguments) {
        try {
            defaults.invokeWithArguments(arguments);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}

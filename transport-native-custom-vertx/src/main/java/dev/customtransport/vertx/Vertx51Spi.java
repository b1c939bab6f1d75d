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
import io.vertx.core.net.TcpConfig;
import io.vertx.core.net.TcpOption;

/**
 * The transport SPI of Vert.x 5.1 and 5.2: options come as a {@link TcpConfig}, each set only if configured; then
 * the SPI's defaults (inherited through {@link VertxTransportSpi}) set the options every transport gets.
 */
final class Vertx51Spi extends VertxTransportSpi {

    Vertx51Spi(ReadinessMode mode, IdleStrategy idle) {
        super(mode, idle);
    }

    @Override
    public ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
        return CustomDatagramChannel::new;
    }

    @Override
    public void configure(TcpConfig config, boolean domainSocket, ServerBootstrap bootstrap) {
        if (!domainSocket) {
            bootstrap.option(CustomChannelOption.SO_REUSEPORT, config.isSoReusePort());
            option(bootstrap, ChannelOption.TCP_FASTOPEN, config.getOption(TcpOption.FASTOPEN));
            connectionOptions(config, new OptionSink() {
                @Override
                public <T> void set(ChannelOption<T> option, T value) {
                    childOption(bootstrap, option, value);
                }
            });
        }
        super.configure(config, domainSocket, bootstrap);
    }

    @Override
    public void configure(TcpConfig config, boolean domainSocket, Bootstrap bootstrap) {
        if (!domainSocket) {
            option(bootstrap, ChannelOption.TCP_FASTOPEN_CONNECT, config.getOption(TcpOption.FASTOPEN_CONNECT));
            connectionOptions(config, new OptionSink() {
                @Override
                public <T> void set(ChannelOption<T> option, T value) {
                    option(bootstrap, option, value);
                }
            });
        }
        super.configure(config, domainSocket, bootstrap);
    }

    /** Where a connection's options go: the client's bootstrap, or a server's accepted channels. */
    private interface OptionSink {
        <T> void set(ChannelOption<T> option, T value);
    }

    /** The options of each connection, accepted or connected: each only if configured. */
    private static void connectionOptions(TcpConfig config, OptionSink sink) {
        sink.set(CustomChannelOption.TCP_USER_TIMEOUT, config.getOption(TcpOption.USER_TIMEOUT));
        sink.set(CustomChannelOption.TCP_QUICKACK, config.getOption(TcpOption.QUICKACK));
        sink.set(CustomChannelOption.TCP_CORK, config.getOption(TcpOption.CORK));
        sink.set(CustomChannelOption.TCP_KEEPCNT, nonZero(config.getOption(TcpOption.KEEPCNT)));
        sink.set(CustomChannelOption.TCP_KEEPINTVL, nonZero(config.getOption(TcpOption.KEEPINTVL)));
        sink.set(CustomChannelOption.TCP_KEEPIDLE, nonZero(config.getOption(TcpOption.KEEPIDLE)));
    }

    /** Vert.x's keep-alive values: 0 means "leave the system default", so it is not set. */
    private static Integer nonZero(Integer value) {
        return value == null || value == 0 ? null : value;
    }
}

package dev.customtransport.micronaut;

import dev.customtransport.Custom;
import dev.customtransport.CustomDatagramChannel;
import dev.customtransport.CustomDomainSocketChannel;
import dev.customtransport.CustomIoHandler;
import dev.customtransport.CustomServerDomainSocketChannel;
import dev.customtransport.CustomServerSocketChannel;
import dev.customtransport.CustomSocketChannel;
import dev.customtransport.IdleStrategy;
import dev.customtransport.ReadinessMode;
import io.micronaut.context.annotation.BootstrapContextCompatible;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.condition.Condition;
import io.micronaut.context.condition.ConditionContext;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.netty.channel.EventLoopGroupConfiguration;
import io.micronaut.http.netty.channel.EventLoopGroupFactory;
import io.micronaut.http.netty.channel.NettyChannelType;
import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * Micronaut 4's event loops and channels on transport-native-custom. With this jar on the class path the bean is
 * there, named {@value #NAME}; an event loop group uses it when its {@code transport} list names it:
 *
 * <pre>
 * # application.properties: the default group (HTTP server workers and client) and the server's acceptor
 * micronaut.netty.event-loops.default.transport=custom,nio
 * micronaut.server.netty.parent.transport=custom,nio
 * # optional: edge-triggered readiness
 * dev.customtransport.readiness-mode=EDGE_TRIGGERED
 * </pre>
 *
 * Micronaut builds the groups itself from {@link #createIoHandlerFactory()}. The factory
 * makes every channel type Micronaut asks for: server and client TCP sockets, Unix domain server and client
 * sockets, and datagram sockets. Where this transport is unavailable the bean is absent (Micronaut then takes the
 * next transport of the list, here NIO) and {@link Custom#unavailabilityCause()} says why.
 */
@Singleton
@Named(CustomEventLoopGroupFactory.NAME)
@Requires(condition = CustomEventLoopGroupFactory.Available.class)
@BootstrapContextCompatible
public class CustomEventLoopGroupFactory implements EventLoopGroupFactory {
    /** The bean's name, for {@code micronaut.netty.event-loops.*.transport}. */
    public static final String NAME = "custom";

    private final ReadinessMode mode;

    public CustomEventLoopGroupFactory(
            @Value("${dev.customtransport.readiness-mode:LEVEL_TRIGGERED}") ReadinessMode mode) {
        this.mode = mode;
    }

    public ReadinessMode readinessMode() {
        return mode;
    }

    @Override
    public boolean isNative() {
        return true;
    }

    @Override
    public IoHandlerFactory createIoHandlerFactory() {
        return CustomIoHandler.newFactory(mode, IdleStrategy.park());
    }

    @Override
    public Class<? extends Channel> channelClass(NettyChannelType type) {
        switch (type) {
            case SERVER_SOCKET:
                return CustomServerSocketChannel.class;
            case CLIENT_SOCKET:
                return CustomSocketChannel.class;
            case DOMAIN_SERVER_SOCKET:
                return CustomServerDomainSocketChannel.class;
            case DOMAIN_SOCKET:
                return CustomDomainSocketChannel.class;
            case DATAGRAM_SOCKET:
                return CustomDatagramChannel.class;
            default:
                throw new UnsupportedOperationException("channel type: " + type);
        }
    }

    @Override
    public Class<? extends Channel> channelClass(NettyChannelType type,
                                                 @Nullable EventLoopGroupConfiguration configuration) {
        return channelClass(type);
    }

    @Override
    public Channel channelInstance(NettyChannelType type, @Nullable EventLoopGroupConfiguration configuration) {
        switch (type) {
            case SERVER_SOCKET:
                return new CustomServerSocketChannel();
            case CLIENT_SOCKET:
                return new CustomSocketChannel();
            case DOMAIN_SERVER_SOCKET:
                return new CustomServerDomainSocketChannel();
            case DOMAIN_SOCKET:
                return new CustomDomainSocketChannel();
            case DATAGRAM_SOCKET:
                return new CustomDatagramChannel();
            default:
                throw new UnsupportedOperationException("channel type: " + type);
        }
    }

    @Override
    public String toString() {
        return "CustomEventLoopGroupFactory(" + mode + ')';
    }

    /** The bean exists only where the transport can load. */
    public static final class Available implements Condition {
        @Override
        public boolean matches(ConditionContext context) {
            if (!Custom.isAvailable()) {
                context.fail("transport-native-custom is unavailable: " + Custom.unavailabilityCause());
                return false;
            }
            return true;
        }
    }
}

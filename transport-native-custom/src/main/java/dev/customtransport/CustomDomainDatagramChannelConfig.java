package dev.customtransport;

import dev.customtransport.internal.SocketFd;
import dev.customtransport.internal.SocketOptions;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.unix.DomainDatagramChannelConfig;

import java.util.Map;

/** The configuration of a {@link CustomDomainDatagramChannel}. */
public final class CustomDomainDatagramChannelConfig extends CustomChannelConfig
        implements DomainDatagramChannelConfig {
    private final SocketFd socket;
    private final KernelOptions linux;
    private volatile boolean activeOnOpen;

    CustomDomainDatagramChannelConfig(CustomDomainDatagramChannel channel, SocketFd socket) {
        super(channel, new FixedRecvByteBufAllocator(2048));
        this.socket = socket;
        this.linux = new KernelOptions(socket, KernelOptions.Kind.UNIX);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION,
                ChannelOption.SO_SNDBUF);
    }

    @Override
    @SuppressWarnings({ "unchecked", "deprecation" })
    public <T> T getOption(ChannelOption<T> option) {
        Object linuxValue = linux.get(option);
        if (linuxValue != KernelOptions.UNHANDLED) {
            return (T) linuxValue;
        }
        if (option == ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION) {
            return (T) Boolean.valueOf(activeOnOpen);
        }
        if (option == ChannelOption.SO_SNDBUF) {
            return (T) Integer.valueOf(getSendBufferSize());
        }
        return super.getOption(option);
    }

    @Override
    @SuppressWarnings("deprecation")
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (linux.set(option, value)) {
            return true;
        }
        if (option == ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION) {
            if (channel.isRegistered()) {
                throw new IllegalStateException(
                        "DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION can only be set before registration");
            }
            activeOnOpen = (Boolean) value;
        } else if (option == ChannelOption.SO_SNDBUF) {
            setSendBufferSize((Integer) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    boolean getActiveOnOpen() {
        return activeOnOpen;
    }

    @Override
    public int getSendBufferSize() {
        return SocketOptions.sendBufferSize(socket);
    }

    @Override
    public CustomDomainDatagramChannelConfig setSendBufferSize(int sendBufferSize) {
        SocketOptions.setSendBufferSize(socket, sendBufferSize);
        return this;
    }

    @Override
    public CustomDomainDatagramChannelConfig setReadinessMode(ReadinessMode mode) {
        super.setReadinessMode(mode);
        return this;
    }

    @Override
    public CustomDomainDatagramChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public CustomDomainDatagramChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    public CustomDomainDatagramChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public CustomDomainDatagramChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public CustomDomainDatagramChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public CustomDomainDatagramChannelConfig setMaxMessagesPerWrite(int maxMessagesPerWrite) {
        super.setMaxMessagesPerWrite(maxMessagesPerWrite);
        return this;
    }

    @Override
    public CustomDomainDatagramChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }

    @Override
    public CustomDomainDatagramChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public CustomDomainDatagramChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public CustomDomainDatagramChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }
}

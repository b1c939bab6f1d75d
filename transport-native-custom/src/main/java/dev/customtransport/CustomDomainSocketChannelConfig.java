package dev.customtransport;

import dev.customtransport.internal.SocketFd;
import dev.customtransport.internal.SocketOptions;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DuplexChannelConfig;
import io.netty.channel.unix.DomainSocketChannelConfig;
import io.netty.channel.unix.DomainSocketReadMode;

import java.util.Map;
import java.util.Objects;

/** The configuration of a {@link CustomDomainSocketChannel}: the read mode, buffers and half-closure. */
public final class CustomDomainSocketChannelConfig extends CustomStreamChannelConfig
        implements DomainSocketChannelConfig, DuplexChannelConfig {
    private final SocketFd socket;
    private final KernelOptions linux;
    private volatile DomainSocketReadMode mode = DomainSocketReadMode.BYTES;
    private volatile boolean allowHalfClosure;

    CustomDomainSocketChannelConfig(CustomDomainSocketChannel channel, SocketFd socket) {
        super(channel, new AdaptiveRecvByteBufAllocator());
        this.socket = socket;
        this.linux = new KernelOptions(socket, KernelOptions.Kind.UNIX);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), CustomChannelOption.DOMAIN_SOCKET_READ_MODE,
                ChannelOption.ALLOW_HALF_CLOSURE, ChannelOption.SO_SNDBUF, ChannelOption.SO_RCVBUF);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        Object linuxValue = linux.get(option);
        if (linuxValue != KernelOptions.UNHANDLED) {
            return (T) linuxValue;
        }
        if (option == CustomChannelOption.DOMAIN_SOCKET_READ_MODE) {
            return (T) getReadMode();
        }
        if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
            return (T) Boolean.valueOf(isAllowHalfClosure());
        }
        if (option == ChannelOption.SO_SNDBUF) {
            return (T) Integer.valueOf(getSendBufferSize());
        }
        if (option == ChannelOption.SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (linux.set(option, value)) {
            return true;
        }
        if (option == CustomChannelOption.DOMAIN_SOCKET_READ_MODE) {
            setReadMode((DomainSocketReadMode) value);
        } else if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
            setAllowHalfClosure((Boolean) value);
        } else if (option == ChannelOption.SO_SNDBUF) {
            setSendBufferSize((Integer) value);
        } else if (option == ChannelOption.SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    @Override
    public CustomDomainSocketChannelConfig setReadMode(DomainSocketReadMode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    @Override
    public DomainSocketReadMode getReadMode() {
        return mode;
    }

    @Override
    public boolean isAllowHalfClosure() {
        return allowHalfClosure;
    }

    @Override
    public CustomDomainSocketChannelConfig setAllowHalfClosure(boolean allowHalfClosure) {
        this.allowHalfClosure = allowHalfClosure;
        return this;
    }

    public int getSendBufferSize() {
        return SocketOptions.sendBufferSize(socket);
    }

    public CustomDomainSocketChannelConfig setSendBufferSize(int size) {
        SocketOptions.setSendBufferSize(socket, size);
        return this;
    }

    public int getReceiveBufferSize() {
        return SocketOptions.receiveBufferSize(socket);
    }

    public CustomDomainSocketChannelConfig setReceiveBufferSize(int size) {
        SocketOptions.setReceiveBufferSize(socket, size);
        return this;
    }

    @Override
    public CustomDomainSocketChannelConfig setReadinessMode(ReadinessMode mode) {
        super.setReadinessMode(mode);
        return this;
    }

    @Override
    public CustomDomainSocketChannelConfig setMaxBytesPerGatheringWrite(long maxBytes) {
        super.setMaxBytesPerGatheringWrite(maxBytes);
        return this;
    }

    @Override
    @Deprecated
    public CustomDomainSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public CustomDomainSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    public CustomDomainSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public CustomDomainSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public CustomDomainSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public CustomDomainSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public CustomDomainSocketChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    @Deprecated
    public CustomDomainSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public CustomDomainSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public CustomDomainSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public CustomDomainSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }
}

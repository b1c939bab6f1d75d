package dev.customtransport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;

import java.util.Map;

/**
 * The configuration every channel of this transport shares: Netty's generic options plus
 * {@link CustomChannelOption#READINESS_MODE}.
 */
public class CustomChannelConfig extends DefaultChannelConfig {
    private volatile ReadinessMode readinessMode;

    CustomChannelConfig(Channel channel, RecvByteBufAllocator allocator) {
        super(channel, allocator);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), CustomChannelOption.READINESS_MODE);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        if (option == CustomChannelOption.READINESS_MODE) {
            return (T) getReadinessMode();
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == CustomChannelOption.READINESS_MODE) {
            setReadinessMode((ReadinessMode) value);
            return true;
        }
        return super.setOption(option, value);
    }

    /** The channel's own readiness mode, or null when it follows its loop's. */
    public ReadinessMode getReadinessMode() {
        return readinessMode;
    }

    /**
     * Overrides the loop's readiness mode for this channel.
     *
     * @throws IllegalStateException once the channel is registered: the mode decides how the socket is registered
     */
    public CustomChannelConfig setReadinessMode(ReadinessMode mode) {
        if (channel.isRegistered()) {
            throw new IllegalStateException("READINESS_MODE cannot change once the channel is registered (now "
                    + effectiveMode() + ", asked " + mode + ')');
        }
        this.readinessMode = mode;
        return this;
    }

    private String effectiveMode() {
        AbstractCustomChannel ch = (AbstractCustomChannel) channel;
        return ch.readiness.mode().name();
    }

    @Override
    public CustomChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        if (!(allocator.newHandle() instanceof RecvByteBufAllocator.ExtendedHandle)) {
            throw new IllegalArgumentException("allocator.newHandle() must return an object of type "
                    + RecvByteBufAllocator.ExtendedHandle.class.getName() + ": " + allocator);
        }
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public CustomChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public CustomChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public CustomChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public CustomChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public CustomChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public CustomChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    @Deprecated
    public CustomChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public CustomChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public CustomChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public CustomChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }

    @Override
    protected void autoReadCleared() {
        ((AbstractCustomChannel) channel).clearReadInterest();
    }
}

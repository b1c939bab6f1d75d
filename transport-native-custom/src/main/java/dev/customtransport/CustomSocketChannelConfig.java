package dev.customtransport;

import dev.customtransport.internal.SocketFd;
import dev.customtransport.internal.SocketOptions;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.util.internal.PlatformDependent;

import java.util.Map;

/**
 * The configuration of a {@link CustomSocketChannel}. Socket options go straight to the kernel (there is no
 * cached copy that could disagree with it); a value the kernel refuses is a {@link io.netty.channel.ChannelException}
 * naming the option, the value and the errno.
 */
public final class CustomSocketChannelConfig extends CustomStreamChannelConfig implements SocketChannelConfig {
    private final SocketFd socket;
    private final KernelOptions linux;
    private volatile boolean allowHalfClosure;
    private volatile boolean tcpFastOpenConnect;
    /**
     * TCP_NODELAY as this config last set it (or the socket inherited it): -1 unknown, 0 off, 1 on. Setting the
     * value it already has makes no syscall; bootstraps commonly set TCP_NODELAY on every child that has it.
     */
    private volatile int tcpNoDelayState = -1;
    /**
     * SO_LINGER as this config last set it, or {@link #UNKNOWN}. -1 (off) for a new socket, and for an accepted one
     * whose listener was given no raw socket option (Netty's server config has no SO_LINGER, and the kernel copies
     * the listener's to accepted sockets). The close path reads it instead of asking the kernel. A raw option
     * ({@code IntegerUnixChannelOption}, {@code RawUnixChannelOption}) may set anything, so it makes both states
     * unknown; an option set on the raw fd behind the config's back is not seen.
     */
    private volatile int soLinger;
    private static final int UNKNOWN = Integer.MIN_VALUE;

    /**
     * @param inheritedNoDelay the socket was accepted from a listener with TCP_NODELAY set, which Linux passes on
     * @param lingerOff        SO_LINGER is known to be off (a new socket, or one accepted from a plain listener)
     */
    CustomSocketChannelConfig(CustomSocketChannel channel, SocketFd socket, boolean inheritedNoDelay,
                              boolean lingerOff) {
        super(channel, new AdaptiveRecvByteBufAllocator());
        this.socket = socket;
        this.linux = new KernelOptions(socket, KernelOptions.Kind.TCP);
        this.soLinger = lingerOff ? -1 : UNKNOWN;
        if (inheritedNoDelay) {
            tcpNoDelayState = 1;
        } else if (PlatformDependent.canEnableTcpNoDelayByDefault()) {
            setTcpNoDelay(true);
        }
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(getOptions(super.getOptions(), ChannelOption.SO_RCVBUF, ChannelOption.SO_SNDBUF,
                ChannelOption.TCP_NODELAY, ChannelOption.SO_KEEPALIVE, ChannelOption.SO_REUSEADDR,
                ChannelOption.SO_LINGER, ChannelOption.IP_TOS, ChannelOption.ALLOW_HALF_CLOSURE,
                CustomChannelOption.SO_REUSEPORT, ChannelOption.TCP_FASTOPEN_CONNECT), linux.listed());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        Object linuxValue = linux.get(option);
        if (linuxValue != KernelOptions.UNHANDLED) {
            return (T) linuxValue;
        }
        if (option == ChannelOption.SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        if (option == ChannelOption.SO_SNDBUF) {
            return (T) Integer.valueOf(getSendBufferSize());
        }
        if (option == ChannelOption.TCP_NODELAY) {
            return (T) Boolean.valueOf(isTcpNoDelay());
        }
        if (option == ChannelOption.SO_KEEPALIVE) {
            return (T) Boolean.valueOf(isKeepAlive());
        }
        if (option == ChannelOption.SO_REUSEADDR) {
            return (T) Boolean.valueOf(isReuseAddress());
        }
        if (option == ChannelOption.SO_LINGER) {
            return (T) Integer.valueOf(getSoLinger());
        }
        if (option == ChannelOption.IP_TOS) {
            return (T) Integer.valueOf(getTrafficClass());
        }
        if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
            return (T) Boolean.valueOf(isAllowHalfClosure());
        }
        if (option == CustomChannelOption.SO_REUSEPORT) {
            return (T) Boolean.valueOf(isReusePort());
        }
        if (option == ChannelOption.TCP_FASTOPEN_CONNECT) {
            return (T) Boolean.valueOf(isTcpFastOpenConnect());
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (linux.set(option, value)) {
            if (KernelOptions.isRaw(option)) {
                tcpNoDelayState = -1;
                soLinger = UNKNOWN;
            }
            return true;
        }
        if (option == ChannelOption.SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else if (option == ChannelOption.SO_SNDBUF) {
            setSendBufferSize((Integer) value);
        } else if (option == ChannelOption.TCP_NODELAY) {
            setTcpNoDelay((Boolean) value);
        } else if (option == ChannelOption.SO_KEEPALIVE) {
            setKeepAlive((Boolean) value);
        } else if (option == ChannelOption.SO_REUSEADDR) {
            setReuseAddress((Boolean) value);
        } else if (option == ChannelOption.SO_LINGER) {
            setSoLinger((Integer) value);
        } else if (option == ChannelOption.IP_TOS) {
            setTrafficClass((Integer) value);
        } else if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
            setAllowHalfClosure((Boolean) value);
        } else if (option == CustomChannelOption.SO_REUSEPORT) {
            setReusePort((Boolean) value);
        } else if (option == ChannelOption.TCP_FASTOPEN_CONNECT) {
            setTcpFastOpenConnect((Boolean) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    @Override
    public int getReceiveBufferSize() {
        return SocketOptions.receiveBufferSize(socket);
    }

    @Override
    public CustomSocketChannelConfig setReceiveBufferSize(int size) {
        SocketOptions.setReceiveBufferSize(socket, size);
        return this;
    }

    @Override
    public int getSendBufferSize() {
        return SocketOptions.sendBufferSize(socket);
    }

    @Override
    public CustomSocketChannelConfig setSendBufferSize(int size) {
        SocketOptions.setSendBufferSize(socket, size);
        calculateMaxBytesPerGatheringWrite();
        return this;
    }

    private void calculateMaxBytesPerGatheringWrite() {
        setMaxBytesPerGatheringWrite(initialMaxBytesPerGatheringWrite());
    }

    @Override
    long initialMaxBytesPerGatheringWrite() {
        // Twice the socket buffer: the kernel may take that much (it doubles SO_SNDBUF for bookkeeping).
        int limit = getSendBufferSize() << 1;
        return limit > 0 ? limit : Long.MAX_VALUE;
    }

    @Override
    public boolean isTcpNoDelay() {
        return SocketOptions.tcpNoDelay(socket);
    }

    @Override
    public CustomSocketChannelConfig setTcpNoDelay(boolean tcpNoDelay) {
        int want = tcpNoDelay ? 1 : 0;
        if (tcpNoDelayState != want) {
            SocketOptions.setTcpNoDelay(socket, tcpNoDelay);
            tcpNoDelayState = want;
        }
        return this;
    }

    @Override
    public int getSoLinger() {
        return SocketOptions.soLinger(socket);
    }

    @Override
    public CustomSocketChannelConfig setSoLinger(int soLinger) {
        SocketOptions.setSoLinger(socket, soLinger);
        this.soLinger = soLinger < 0 ? -1 : soLinger;
        return this;
    }

    /** SO_LINGER (-1: off), without a syscall unless a raw option made it unknown. */
    int knownSoLinger() {
        int linger = soLinger;
        return linger == UNKNOWN ? getSoLinger() : linger;
    }

    @Override
    public boolean isKeepAlive() {
        return SocketOptions.keepAlive(socket);
    }

    @Override
    public CustomSocketChannelConfig setKeepAlive(boolean keepAlive) {
        SocketOptions.setKeepAlive(socket, keepAlive);
        return this;
    }

    @Override
    public int getTrafficClass() {
        return SocketOptions.trafficClass(socket);
    }

    @Override
    public CustomSocketChannelConfig setTrafficClass(int trafficClass) {
        SocketOptions.setTrafficClass(socket, trafficClass);
        return this;
    }

    @Override
    public boolean isReuseAddress() {
        return SocketOptions.reuseAddress(socket);
    }

    @Override
    public CustomSocketChannelConfig setReuseAddress(boolean reuseAddress) {
        SocketOptions.setReuseAddress(socket, reuseAddress);
        return this;
    }

    /** SO_REUSEPORT (see {@link CustomChannelOption#SO_REUSEPORT}). */
    public boolean isReusePort() {
        return SocketOptions.reusePort(socket);
    }

    public CustomSocketChannelConfig setReusePort(boolean reusePort) {
        SocketOptions.setReusePort(socket, reusePort);
        return this;
    }

    @Override
    public CustomSocketChannelConfig setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        // Like the JDK's sockets: a hint with no effect on this platform.
        return this;
    }

    @Override
    public boolean isAllowHalfClosure() {
        return allowHalfClosure;
    }

    @Override
    public CustomSocketChannelConfig setAllowHalfClosure(boolean allowHalfClosure) {
        this.allowHalfClosure = allowHalfClosure;
        return this;
    }

    @Override
    public CustomSocketChannelConfig setReadinessMode(ReadinessMode mode) {
        super.setReadinessMode(mode);
        return this;
    }

    @Override
    public CustomSocketChannelConfig setMaxBytesPerGatheringWrite(long maxBytes) {
        super.setMaxBytesPerGatheringWrite(maxBytes);
        return this;
    }

    @Override
    public CustomSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public CustomSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public CustomSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public CustomSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public CustomSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public CustomSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public CustomSocketChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    @Deprecated
    public CustomSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public CustomSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public CustomSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public CustomSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }

    /** Whether a connect sends the first queued buffer with the SYN ({@link CustomChannelOption#TCP_FASTOPEN_CONNECT}). */
    public boolean isTcpFastOpenConnect() {
        return tcpFastOpenConnect;
    }

    public CustomSocketChannelConfig setTcpFastOpenConnect(boolean fastOpenConnect) {
        this.tcpFastOpenConnect = fastOpenConnect;
        return this;
    }
}

package dev.customtransport;

import dev.customtransport.internal.SocketFd;
import dev.customtransport.internal.SocketOptions;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ServerSocketChannelConfig;
import io.netty.util.NetUtil;
import io.netty.util.internal.PlatformDependent;

import java.util.Map;

/** The configuration of a {@link CustomServerSocketChannel}. SO_REUSEADDR is on by default, as in NIO. */
public final class CustomServerSocketChannelConfig extends CustomChannelConfig implements ServerSocketChannelConfig {
    private final SocketFd socket;
    private final KernelOptions linux;
    private volatile int backlog = NetUtil.SOMAXCONN;
    private volatile boolean childrenInheritNoDelay;
    /** A raw socket option was set on the listener: accepted sockets may inherit anything from it. */
    private volatile boolean rawOptionSet;

    CustomServerSocketChannelConfig(CustomServerSocketChannel channel, SocketFd socket) {
        super(channel, new ServerChannelRecvByteBufAllocator());
        this.socket = socket;
        this.linux = new KernelOptions(socket, KernelOptions.Kind.TCP_SERVER);
        setReuseAddress(true);
        childrenInheritNoDelay = setNoDelayForChildren(socket);
    }

    /**
     * Linux copies a listener's TCP_NODELAY to every socket it accepts, so setting it here once spares each
     * accepted connection the setsockopt its config would make for Netty's default (TCP_NODELAY on). Not relied on
     * elsewhere: the BSDs are not known to do the same for every version.
     */
    private static boolean setNoDelayForChildren(SocketFd socket) {
        if (!PlatformDependent.canEnableTcpNoDelayByDefault() || !"linux".equals(PlatformDependent.normalizedOs())) {
            return false;
        }
        try {
            SocketOptions.setTcpNoDelay(socket, true);
            return true;
        } catch (RuntimeException e) {
            return false; // each child sets its own, as without this
        }
    }

    /** True if accepted sockets arrive with TCP_NODELAY already on. */
    boolean childrenInheritNoDelay() {
        return childrenInheritNoDelay;
    }

    /** True if accepted sockets arrive with SO_LINGER off (no raw option could have set it on the listener). */
    boolean childrenLingerOff() {
        return !rawOptionSet;
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(getOptions(super.getOptions(), ChannelOption.SO_RCVBUF, ChannelOption.SO_REUSEADDR,
                ChannelOption.SO_BACKLOG, CustomChannelOption.SO_REUSEPORT), linux.listed());
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
        if (option == ChannelOption.SO_REUSEADDR) {
            return (T) Boolean.valueOf(isReuseAddress());
        }
        if (option == ChannelOption.SO_BACKLOG) {
            return (T) Integer.valueOf(getBacklog());
        }
        if (option == CustomChannelOption.SO_REUSEPORT) {
            return (T) Boolean.valueOf(isReusePort());
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (linux.set(option, value)) {
            if (KernelOptions.isRaw(option)) {
                rawOptionSet = true;
                childrenInheritNoDelay = false;
            }
            return true;
        }
        if (option == ChannelOption.SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else if (option == ChannelOption.SO_REUSEADDR) {
            setReuseAddress((Boolean) value);
        } else if (option == ChannelOption.SO_BACKLOG) {
            setBacklog((Integer) value);
        } else if (option == CustomChannelOption.SO_REUSEPORT) {
            setReusePort((Boolean) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    @Override
    public int getBacklog() {
        return backlog;
    }

    @Override
    public CustomServerSocketChannelConfig setBacklog(int backlog) {
        if (backlog < 0) {
            throw new IllegalArgumentException("SO_BACKLOG: " + backlog + " (expected: >= 0)");
        }
        this.backlog = backlog;
        return this;
    }

    @Override
    public boolean isReuseAddress() {
        return SocketOptions.reuseAddress(socket);
    }

    @Override
    public CustomServerSocketChannelConfig setReuseAddress(boolean reuseAddress) {
        SocketOptions.setReuseAddress(socket, reuseAddress);
        return this;
    }

    public boolean isReusePort() {
        return SocketOptions.reusePort(socket);
    }

    /** SO_REUSEPORT: set before bind, on every listener sharing the port. */
    public CustomServerSocketChannelConfig setReusePort(boolean reusePort) {
        SocketOptions.setReusePort(socket, reusePort);
        return this;
    }

    @Override
    public int getReceiveBufferSize() {
        return SocketOptions.receiveBufferSize(socket);
    }

    @Override
    public CustomServerSocketChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        SocketOptions.setReceiveBufferSize(socket, receiveBufferSize);
        return this;
    }

    @Override
    public CustomServerSocketChannelConfig setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        return this;
    }

    @Override
    public CustomServerSocketChannelConfig setReadinessMode(ReadinessMode mode) {
        super.setReadinessMode(mode);
        return this;
    }

    @Override
    public CustomServerSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public CustomServerSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public CustomServerSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public CustomServerSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public CustomServerSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public CustomServerSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public CustomServerSocketChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    @Deprecated
    public CustomServerSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public CustomServerSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public CustomServerSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public CustomServerSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }
}

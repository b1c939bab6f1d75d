package dev.customtransport;

import dev.customtransport.internal.SocketFd;
import dev.customtransport.internal.SocketOptions;
import io.netty.channel.ChannelOption;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.util.NetUtil;

import java.util.Map;

/** The configuration of a {@link CustomServerDomainSocketChannel}: the listen backlog and the receive buffer. */
public final class CustomServerDomainSocketChannelConfig extends CustomChannelConfig {
    private final SocketFd socket;
    private final KernelOptions linux;
    private volatile int backlog = NetUtil.SOMAXCONN;

    CustomServerDomainSocketChannelConfig(CustomServerDomainSocketChannel channel, SocketFd socket) {
        super(channel, new ServerChannelRecvByteBufAllocator());
        this.socket = socket;
        this.linux = new KernelOptions(socket, KernelOptions.Kind.UNIX);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), ChannelOption.SO_BACKLOG, ChannelOption.SO_RCVBUF);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        Object linuxValue = linux.get(option);
        if (linuxValue != KernelOptions.UNHANDLED) {
            return (T) linuxValue;
        }
        if (option == ChannelOption.SO_BACKLOG) {
            return (T) Integer.valueOf(getBacklog());
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
        if (option == ChannelOption.SO_BACKLOG) {
            setBacklog((Integer) value);
        } else if (option == ChannelOption.SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    public int getBacklog() {
        return backlog;
    }

    public CustomServerDomainSocketChannelConfig setBacklog(int backlog) {
        if (backlog < 0) {
            throw new IllegalArgumentException("SO_BACKLOG: " + backlog + " (expected: >= 0)");
        }
        this.backlog = backlog;
        return this;
    }

    public int getReceiveBufferSize() {
        return SocketOptions.receiveBufferSize(socket);
    }

    public CustomServerDomainSocketChannelConfig setReceiveBufferSize(int size) {
        SocketOptions.setReceiveBufferSize(socket, size);
        return this;
    }
}

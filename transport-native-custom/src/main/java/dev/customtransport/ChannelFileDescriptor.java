package dev.customtransport;

import dev.customtransport.internal.SocketFd;
import io.netty.channel.unix.FileDescriptor;

import java.io.IOException;

/**
 * A channel's socket as Netty's {@link FileDescriptor} (what {@code UnixChannel.fd()} returns). It shares the
 * channel's close-once state: closing it closes the socket exactly once, whoever does it first.
 */
final class ChannelFileDescriptor extends FileDescriptor {
    private final SocketFd socket;

    ChannelFileDescriptor(SocketFd socket) {
        super(socket.intValue());
        this.socket = socket;
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

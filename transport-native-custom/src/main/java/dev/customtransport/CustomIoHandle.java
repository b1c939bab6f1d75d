package dev.customtransport;

import io.netty.channel.Channel;
import io.netty.channel.IoHandle;

import java.io.IOException;

/** What {@link CustomIoHandler} needs of the things it polls: our channels' unsafes. */
interface CustomIoHandle extends IoHandle {
    /** The descriptor to poll. */
    int fd();

    /** False once the descriptor is closed: then it must not be removed from the poller by number. */
    boolean isFdOpen();

    /** The channel's own readiness mode, or null for the loop's. */
    ReadinessMode readinessMode();

    /** An interest change could not be applied (applied just before the loop waits, so it reports here). */
    void controlFailed(IOException cause);

    /** The poller may have lost this handle's events (the libkqueue emulation drops what overflows its list). */
    void eventsMayHaveBeenLost();

    /** The channel, for {@code registeredChannelsIterator()}. */
    Channel channel();

    /** Closes the channel; never throws (the loop calls it while shutting down). */
    @Override
    void close();
}

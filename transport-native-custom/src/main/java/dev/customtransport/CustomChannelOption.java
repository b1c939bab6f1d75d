package dev.customtransport;

import io.netty.channel.ChannelOption;

/**
 * Channel options this transport adds to Netty's {@link ChannelOption}s.
 *
 * <pre>{@code
 * new ServerBootstrap()
 *     .option(CustomChannelOption.SO_REUSEPORT, true)
 *     .childOption(CustomChannelOption.READINESS_MODE, ReadinessMode.EDGE_TRIGGERED);
 * }</pre>
 */
public final class CustomChannelOption {
    private CustomChannelOption() { }

    /**
     * The readiness mode of one channel, overriding its loop's; only before the channel is registered (a change
     * afterwards throws {@link IllegalStateException}). Null means the loop's mode.
     */
    public static final ChannelOption<ReadinessMode> READINESS_MODE =
            ChannelOption.valueOf(CustomChannelOption.class, "READINESS_MODE");

    /** SO_REUSEPORT: several sockets may bind the same address and port; the kernel spreads connections. */
    public static final ChannelOption<Boolean> SO_REUSEPORT =
            ChannelOption.valueOf(CustomChannelOption.class, "SO_REUSEPORT");
}

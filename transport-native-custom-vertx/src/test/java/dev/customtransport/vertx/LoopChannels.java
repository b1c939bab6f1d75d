package dev.customtransport.vertx;

import dev.customtransport.CustomEventLoop;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The channels registered right now on the loops of groups that must be this transport's. */
final class LoopChannels {
    private LoopChannels() { }

    static List<Channel> of(EventLoopGroup... groups) throws Exception {
        List<Channel> channels = new ArrayList<>();
        for (EventLoopGroup group : groups) {
            for (EventExecutor executor : group) {
                CustomEventLoop loop = assertInstanceOf(CustomEventLoop.class, executor);
                loop.submit(() -> loop.registeredChannelsIterator().forEachRemaining(channels::add))
                        .get(10, TimeUnit.SECONDS);
            }
        }
        return channels;
    }
}

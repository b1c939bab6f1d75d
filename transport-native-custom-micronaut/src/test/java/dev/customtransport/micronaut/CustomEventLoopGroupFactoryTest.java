package dev.customtransport.micronaut;

import dev.customtransport.ReadinessMode;
import dev.customtransport.Transports;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.netty.channel.NettyChannelType;
import io.micronaut.runtime.server.EmbeddedServer;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Micronaut's Netty HTTP server and client on {@link CustomEventLoopGroupFactory}, in both readiness modes: the
 * request runs on our loop, a 4 MiB body is echoed, and the factory hands out our channel for each type.
 */
class CustomEventLoopGroupFactoryTest {

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void serverAndClientRunOnOurLoops(ReadinessMode mode) {
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of(
                "micronaut.server.port", -1,
                "micronaut.netty.event-loops.default.transport", "custom,nio",
                "micronaut.server.netty.parent.transport", "custom,nio",
                "dev.customtransport.readiness-mode", mode.name()));
             HttpClient client = server.getApplicationContext().createBean(HttpClient.class, server.getURL())) {
            EventLoopGroup group = server.getApplicationContext().getBean(EventLoopGroup.class);
            assertTrue(Transports.isCustom(group), group::toString);

            assertEquals("custom", client.toBlocking().retrieve("/loop"));
            byte[] body = new byte[4 * 1024 * 1024];
            new Random(3).nextBytes(body);
            byte[] echoed = client.toBlocking().retrieve(HttpRequest.POST("/echo", body)
                    .contentType(MediaType.APPLICATION_OCTET_STREAM).accept(MediaType.APPLICATION_OCTET_STREAM),
                    byte[].class);
            assertArrayEquals(body, echoed);
            assertEquals(mode, server.getApplicationContext().getBean(CustomEventLoopGroupFactory.class)
                    .readinessMode());
        }
    }

    @Test
    void makesOurChannelOfEachType() {
        CustomEventLoopGroupFactory factory = new CustomEventLoopGroupFactory(ReadinessMode.LEVEL_TRIGGERED);
        assertTrue(factory.isNative());
        for (NettyChannelType type : NettyChannelType.values()) {
            io.netty.channel.Channel ch = factory.channelInstance(type, null);
            try {
                assertInstanceOf(factory.channelClass(type), ch);
                assertTrue(ch.getClass().getName().startsWith("dev.customtransport.Custom"), ch.getClass()::getName);
            } finally {
                ch.unsafe().closeForcibly();
            }
        }
    }
}

package dev.customtransport.integration;

import dev.customtransport.CustomServerSocketChannel;
import dev.customtransport.CustomSocketChannel;
import dev.customtransport.ReadinessMode;
import dev.customtransport.Transports;
import dev.customtransport.reactor.CustomLoopResources;
import dev.customtransport.reactor.CustomReactorResourceFactory;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Spring Boot 4 WebFlux application whose only change is the {@link CustomReactorResourceFactory} bean, in both
 * readiness modes: Boot's Netty server and the WebClient Boot builds both run on our loops (HTTP/1.1 with an 8 MiB
 * streamed echo and a streamed response; h2c through the same server).
 */
class SpringWebFluxTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
        @Bean
        ReactorResourceFactory reactorResourceFactory(@Value("${test.readiness-mode}") ReadinessMode mode) {
            return new CustomReactorResourceFactory(() -> CustomLoopResources.create("webflux", mode));
        }

        @Bean
        RouterFunction<ServerResponse> routes() {
            return RouterFunctions.route()
                    .POST("/echo", request -> ServerResponse.ok()
                            .body(request.body(BodyExtractors.toDataBuffers()), DataBuffer.class))
                    .GET("/stream", request -> ServerResponse.ok()
                            .body(Flux.range(0, 1000).map(i -> "line " + i + "\n"), String.class))
                    .GET("/loop", request -> ServerResponse.ok().bodyValue(loop()))
                    .build();
        }

        /** "custom" when the request runs on one of our loops (no other transport's channel can register there). */
        private static String loop() {
            EventExecutor executor = ThreadExecutorMap.currentExecutor();
            return executor instanceof EventLoop && Transports.isCustom((EventLoop) executor) ? "custom"
                    : "other: " + executor;
        }
    }

    @ParameterizedTest
    @EnumSource(ReadinessMode.class)
    void bootsServerAndWebClientRunOnOurLoops(ReadinessMode mode) throws Exception {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
                .properties("server.port=0", "server.address=127.0.0.1", "server.http2.enabled=true",
                        "spring.main.banner-mode=off", "test.readiness-mode=" + mode)
                .run()) {
            String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
            WebClient client = context.getBean(WebClient.Builder.class).baseUrl(base).build();
            ReactorResourceFactory resources = context.getBean(ReactorResourceFactory.class);
            CustomLoopResources loops = assertInstanceOf(CustomLoopResources.class, resources.getLoopResources());
            assertEquals(mode, loops.readinessMode());

            assertEquals("custom", client.get().uri("/loop").retrieve().bodyToMono(String.class).block(TIMEOUT));
            byte[] upload = new byte[8 * 1024 * 1024];
            new Random(11).nextBytes(upload);
            DataBuffer echoed = DataBufferUtils.join(client.post().uri("/echo").bodyValue(upload).retrieve()
                    .bodyToFlux(DataBuffer.class)).block(TIMEOUT);
            byte[] bytes = new byte[echoed.readableByteCount()];
            echoed.read(bytes);
            DataBufferUtils.release(echoed);
            assertArrayEquals(upload, bytes);
            String streamed = client.get().uri("/stream").retrieve().bodyToMono(String.class).block(TIMEOUT);
            assertEquals(1000, streamed.split("\n").length);
            assertTrue(streamed.endsWith("line 999\n"));

            // WebClient's pooled connection is open: Boot's listener, the accepted socket and WebClient's own
            List<Channel> channels = LoopChannels.of(loops.onServer(true));
            assertTrue(channels.stream().anyMatch(CustomServerSocketChannel.class::isInstance), channels::toString);
            assertTrue(channels.stream().anyMatch(ch -> ch instanceof CustomSocketChannel && ch.parent() != null),
                    channels::toString);
            assertTrue(channels.stream().anyMatch(ch -> ch instanceof CustomSocketChannel && ch.parent() == null),
                    channels::toString);

            String h2c = HttpClient.create().runOn(loops).protocol(HttpProtocol.H2C).baseUrl(base).get().uri("/loop")
                    .responseSingle((response, body) -> body.asString()
                            .map(text -> response.version() + " " + text)).block(TIMEOUT);
            assertEquals("HTTP/2.0 custom", h2c);
        }
    }
}

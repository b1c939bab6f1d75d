package dev.customtransport.reactor;

import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.resources.LoopResources;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Spring's {@link ReactorResourceFactory} with this transport's loops, for Spring WebFlux. Declared as a bean, it
 * replaces Spring Boot's own: Boot's Netty web server runs on its loop resources ({@code NettyWebServer} calls
 * {@code runOn(getLoopResources())}, which would override a {@code NettyServerCustomizer} doing the same), and so
 * do the {@code WebClient}s Boot builds (their connector takes the same factory). Spring starts the loops with the
 * context and disposes of them when it closes.
 *
 * <pre>{@code
 * @Bean
 * ReactorResourceFactory reactorResourceFactory() {
 *     return new CustomReactorResourceFactory();
 * }
 * // or with settings:
 *     return new CustomReactorResourceFactory(() -> CustomLoopResources.builder("webflux")
 *             .readinessMode(ReadinessMode.EDGE_TRIGGERED).build());
 * }</pre>
 *
 * The connection pool stays Spring's default (a dedicated one, since global resources are off).
 */
public class CustomReactorResourceFactory extends ReactorResourceFactory {

    /** Level-triggered loops with reactor-netty's defaults, threads named {@code webflux-custom-N}. */
    public CustomReactorResourceFactory() {
        this(() -> CustomLoopResources.create("webflux"));
    }

    /** Loops from {@code loopResources}, called when the factory starts. */
    public CustomReactorResourceFactory(Supplier<LoopResources> loopResources) {
        Objects.requireNonNull(loopResources, "loopResources");
        setUseGlobalResources(false);
        setLoopResourcesSupplier(loopResources);
    }
}

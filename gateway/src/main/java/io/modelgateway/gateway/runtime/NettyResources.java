package io.modelgateway.gateway.runtime;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.autoconfigure.ReactorNettyProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * The application's Reactor Netty event loops: its own (not Reactor Netty's process-wide ones), living as long as
 * the application context. The Triton pools' gRPC channels run on the HTTP server's loops (see {@code
 * deployment.internal.ServerLoops}), so the loops must not be disposed under live channels: not when another
 * application context in the same JVM closes (it would dispose process-wide loops), and not when this context is
 * only paused (Spring's {@code Lifecycle} stop and restart, as the test framework does with inactive contexts:
 * the web server stops and starts again on the same loops). They are disposed when the context closes, after the
 * pools ({@code Deployments} stops in a higher phase).
 */
@Configuration(proxyBeanMethods = false)
public class NettyResources {

    @Bean
    ReactorResourceFactory reactorResourceFactory(ObjectProvider<ReactorNettyProperties> properties) {
        ReactorResourceFactory factory = new ReactorResourceFactory() {
            @Override
            public boolean isPauseable() {
                return false;
            }
        };
        factory.setUseGlobalResources(false);
        properties.ifAvailable(p -> {
            if (p.getShutdownQuietPeriod() != null) {
                factory.setShutdownQuietPeriod(p.getShutdownQuietPeriod());
            }
        });
        return factory;
    }
}

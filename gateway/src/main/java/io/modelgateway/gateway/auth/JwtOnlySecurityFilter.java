package io.modelgateway.gateway.auth;

import java.util.List;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Spring Security's {@link WebFilterChainProxy}, entered only by requests that carry a JWT bearer. The
 * security chain's own matcher already ignores every other request, but the proxy would still wrap each one
 * in its firewall and observations; an API-key request now passes it with one header check. Paths were
 * checked before by the gate's {@link PathFirewall} (it runs first), so no request loses a check.
 */
final class JwtOnlySecurityFilter extends WebFilterChainProxy {

    private final WebFilterChainProxy security;

    JwtOnlySecurityFilter(WebFilterChainProxy security) {
        super(List.of());
        this.security = security;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return Credentials.isJwtRequest(exchange) ? security.filter(exchange, chain) : chain.filter(exchange);
    }

    /** Puts the proxy Spring Security built behind the JWT check (same bean, same order in the filter chain). */
    static BeanPostProcessor wrapper() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
                return bean instanceof WebFilterChainProxy proxy && !(bean instanceof JwtOnlySecurityFilter)
                        ? new JwtOnlySecurityFilter(proxy)
                        : bean;
            }
        };
    }
}

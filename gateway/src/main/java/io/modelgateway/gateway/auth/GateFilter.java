package io.modelgateway.gateway.auth;

import java.util.List;
import java.util.Set;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The first step of the gate, before Spring Security and any handler: refuses ambiguous paths (400,
 * {@link PathFirewall}) and records which declared routes the request matches ({@link RouteTable#MATCHED}),
 * on the decoded path elements the router matches. {@link AuthenticationFilter} then makes the decision.
 * Requests to the management server's own port (a child context) are left to that port.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE
        + 3) // after the request id, the access log and HEAD-as-GET, before Spring Security (-100)
class GateFilter implements WebFilter {

    private static final RouteTable.Route MANAGEMENT_PORT =
            RouteTable.Route.of("management port", Set.of(), "/**", Access.PUBLIC);

    private final RouteTable table;
    private final ApplicationContext context;

    GateFilter(RouteTable table, ApplicationContext context) {
        this.table = table;
        this.context = context;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (onManagementPort(exchange)) {
            exchange.getAttributes().put(RouteTable.MATCHED, List.of(MANAGEMENT_PORT));
            return chain.filter(exchange);
        }
        ServerHttpRequest request = exchange.getRequest();
        String problem = PathFirewall.problem(request.getPath().value());
        if (problem != null) {
            return Mono.error(PathFirewall.refusal(problem));
        }
        exchange.getAttributes()
                .put(
                        RouteTable.MATCHED,
                        table.match(request.getMethod(), request.getPath().pathWithinApplication()));
        return chain.filter(exchange);
    }

    /** The management server (own port) runs in a child context of this one. */
    private boolean onManagementPort(ServerWebExchange exchange) {
        ApplicationContext served = exchange.getApplicationContext();
        return served != null && served != context && served.getParent() == context;
    }
}

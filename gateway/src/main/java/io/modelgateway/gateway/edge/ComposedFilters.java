package io.modelgateway.gateway.edge;

import java.util.List;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.core.publisher.Mono;

/**
 * Runs the application's web filters (all of them, in their order: request id, access log, HEAD as GET, the
 * gate, outcomes, Spring Security, authentication, Spring Cloud Gateway's weights, the gate's dispatch) as one
 * filter. WebFlux's own chain calls each filter
 * through a deferred {@code Mono} with a checkpoint named by the filter's {@code toString()}, a string and
 * three operators per filter and request, about 5% of the gateway's CPU at saturation; here a request pays
 * one small link object per filter. What runs, and in which order, does not change: the list is WebFlux's own
 * sorted list, taken once when the HTTP handler is built; a filter that throws instead of returning an error
 * still ends its request with that error, seen by the filters before it, as in WebFlux's chain.
 */
@Component
public class ComposedFilters implements WebHttpHandlerBuilderCustomizer {

    @Override
    public void customize(WebHttpHandlerBuilder builder) {
        builder.filters(filters -> {
            if (filters.size() > 1) {
                WebFilter composed = of(filters);
                filters.clear();
                filters.add(composed);
            }
        });
    }

    /** These filters, in this order, as one. */
    static WebFilter of(List<WebFilter> filters) {
        return new Composed(filters.toArray(WebFilter[]::new));
    }

    static final class Composed implements WebFilter {

        private final WebFilter[] filters;

        /** Also the name of WebFlux's checkpoint around this filter, asked for on every request: built once. */
        private final String name;

        Composed(WebFilter[] filters) {
            this.filters = filters;
            this.name = "ComposedFilters" + List.of(filters);
        }

        @Override
        public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
            return new Link(filters, 0, chain).filter(exchange);
        }

        List<WebFilter> filters() {
            return List.of(filters);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The rest of the chain from filter {@code index} on, ending in the handler's chain. */
    private record Link(WebFilter[] filters, int index, WebFilterChain handler) implements WebFilterChain {

        @Override
        public Mono<Void> filter(ServerWebExchange exchange) {
            if (index == filters.length) {
                return handler.filter(exchange);
            }
            try {
                return filters[index].filter(exchange, new Link(filters, index + 1, handler));
            } catch (RuntimeException e) {
                return Mono.error(e);
            }
        }
    }
}

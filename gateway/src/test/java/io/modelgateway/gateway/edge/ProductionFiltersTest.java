package io.modelgateway.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.GatewayTestBase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

/**
 * The application's HTTP handler, built as Spring Boot builds it (the context's beans, then every customizer),
 * runs every web filter, in their declared order, as one composed filter; the gate's dispatch to a router comes
 * last, after every check.
 */
class ProductionFiltersTest extends GatewayTestBase {

    @Autowired
    ApplicationContext context;

    @Autowired
    List<WebHttpHandlerBuilderCustomizer> customizers;

    @Test
    void theRealFiltersRunComposedInTheirOrder() {
        WebHttpHandlerBuilder builder = WebHttpHandlerBuilder.applicationContext(context);
        customizers.forEach(c -> c.customize(builder));
        List<WebFilter> filters = new ArrayList<>();
        builder.filters(filters::addAll);
        assertThat(filters).hasSize(1).first().isInstanceOf(ComposedFilters.Composed.class);

        List<String> names = ((ComposedFilters.Composed) filters.get(0))
                .filters().stream()
                        .map(f -> ClassUtils.getUserClass(f).getSimpleName())
                        .toList();
        assertThat(names)
                .containsExactly(
                        "RequestIdFilter",
                        "AccessLogFilter",
                        "HeadAsGet",
                        "GateFilter",
                        "OutcomeFilter",
                        "ScopedSecurityChain",
                        "AuthenticationFilter",
                        "WeightCalculatorWebFilter",
                        "GateDispatch");
    }
}

package io.modelgateway.gateway.finance;

import static io.modelgateway.gateway.auth.Access.FINANCE;
import static io.modelgateway.gateway.auth.Access.TENANT_USAGE;

import io.modelgateway.billing.pricing.PriceStore;
import io.modelgateway.gateway.auth.Access;
import io.modelgateway.gateway.credits.BillingProperties;
import io.modelgateway.gateway.finance.internal.FinanceHandlers;
import io.modelgateway.gateway.finance.internal.OutcomeHandler;
import io.modelgateway.gateway.tenancy.Tenancy;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.scheduler.Scheduler;

/**
 * Wires the finance API. Reports and statements are for a tenant's {@code usage.read} credential (its own
 * tenant; the gate checks the {@code {tenant}} path variable, the handlers limit reports to the caller's
 * tenant) and for platform {@code finance} and {@code admin} credentials; closing statements and
 * reconciliation only for the latter. Its JDBC work (report queries, CSV cursors) runs on the shared JDBC scheduler
 * ({@link io.modelgateway.gateway.runtime.JdbcSchedulerConfiguration}), never on an event loop; a CSV export holds a thread
 * only while it reads a chunk, so exports interleave with the other features' JDBC work.
 */
@Configuration(proxyBeanMethods = false)
public class FinanceConfiguration {

    static final String ORG = "/v1/organization";
    private static final String ACCESS = Access.ATTRIBUTE;

    @Bean
    RouterFunction<ServerResponse> financeRouter(
            DataSource dataSource,
            PriceStore prices,
            Tenancy tenancy,
            Scheduler jdbcScheduler,
            Clock clock,
            BillingProperties billing) {
        FinanceHandlers h = new FinanceHandlers(dataSource, prices, tenancy, jdbcScheduler, clock, billing.currency());
        OutcomeHandler outcomes = new OutcomeHandler(dataSource, jdbcScheduler, clock);
        return RouterFunctions.route()
                .GET(ORG + "/usage/completions", h::completions)
                .withAttribute(ACCESS, TENANT_USAGE)
                .GET(ORG + "/usage/embeddings", h::embeddings)
                .withAttribute(ACCESS, TENANT_USAGE)
                .GET(ORG + "/usage/records", h::records)
                .withAttribute(ACCESS, TENANT_USAGE)
                .GET(ORG + "/usage/outcomes", outcomes::outcomes)
                .withAttribute(ACCESS, TENANT_USAGE)
                .GET(ORG + "/costs", h::costs)
                .withAttribute(ACCESS, TENANT_USAGE)
                .GET(ORG + "/statements/{tenant}/{period}", h::statement)
                .withAttribute(ACCESS, TENANT_USAGE)
                .POST(ORG + "/statements/{tenant}/{period}/close", h::close)
                .withAttribute(ACCESS, FINANCE)
                .GET(ORG + "/reconciliation", h::reconciliation)
                .withAttribute(ACCESS, FINANCE)
                .build();
    }
}

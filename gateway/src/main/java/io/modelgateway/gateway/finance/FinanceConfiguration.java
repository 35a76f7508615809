package io.modelgateway.gateway.finance;

import io.modelgateway.billing.pricing.PriceStore;
import io.modelgateway.gateway.billing.BillingProperties;
import io.modelgateway.gateway.finance.internal.FinanceHandlers;
import io.modelgateway.gateway.tenancy.Tenancy;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Wires the finance API. Its JDBC work (report queries, CSV cursors) runs on a bounded scheduler of its
 * own, so a long export never takes threads from credit holds and usage recording, and never runs on an
 * event loop.
 */
@Configuration(proxyBeanMethods = false)
public class FinanceConfiguration {

    static final String ORG = "/v1/organization";

    @Bean(destroyMethod = "dispose")
    Scheduler financeJdbcScheduler() {
        return Schedulers.newBoundedElastic(2, 200, "finance-jdbc");
    }

    @Bean
    RouterFunction<ServerResponse> financeRouter(DataSource dataSource, PriceStore prices, Tenancy tenancy,
            Scheduler financeJdbcScheduler, Clock clock, BillingProperties billing) {
        FinanceHandlers h = new FinanceHandlers(dataSource, prices, tenancy, financeJdbcScheduler, clock,
                billing.currency());
        return RouterFunctions.route()
                .GET(ORG + "/usage/completions", h::completions)
                .GET(ORG + "/usage/embeddings", h::embeddings)
                .GET(ORG + "/usage/records", h::records)
                .GET(ORG + "/costs", h::costs)
                .GET(ORG + "/statements/{tenant}/{period}", h::statement)
                .POST(ORG + "/statements/{tenant}/{period}/close", h::close)
                .GET(ORG + "/reconciliation", h::reconciliation)
                .build();
    }
}

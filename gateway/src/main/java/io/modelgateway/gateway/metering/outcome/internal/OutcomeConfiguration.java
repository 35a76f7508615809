package io.modelgateway.gateway.metering.outcome.internal;

import io.modelgateway.gateway.metering.outcome.OutcomeProperties;
import io.modelgateway.gateway.pipeline.CallStage;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.WebFilter;
import reactor.core.scheduler.Scheduler;

/** Wires outcome counting: one counter fed by a call stage and a web filter, written by one writer. */
@Configuration(proxyBeanMethods = false)
class OutcomeConfiguration {

    @Bean
    OutcomeCounter outcomeCounter(Clock clock) {
        return new OutcomeCounter(clock);
    }

    @Bean
    CallStage outcomeStage(OutcomeCounter outcomeCounter) {
        return new OutcomeStage(outcomeCounter);
    }

    @Bean
    WebFilter outcomeFilter(OutcomeCounter outcomeCounter) {
        return new OutcomeFilter(outcomeCounter);
    }

    /** Writes on the shared JDBC scheduler; closed (a last flush) before the data source. */
    @Bean(destroyMethod = "close")
    OutcomeWriter outcomeWriter(
            OutcomeCounter outcomeCounter,
            DataSource dataSource,
            Scheduler jdbcScheduler,
            OutcomeProperties properties) {
        return new OutcomeWriter(outcomeCounter, dataSource, jdbcScheduler, properties.flushInterval());
    }
}

package io.modelgateway.gateway.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.Scannable;
import reactor.core.scheduler.Scheduler;

/** The context's one JDBC scheduler has as many threads as the connection pool has connections. */
class JdbcSchedulerTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
            .withUserConfiguration(JdbcSchedulerConfiguration.class)
            .withPropertyValues("spring.datasource.url=jdbc:h2:mem:jdbc-scheduler");

    @Test
    void threadsFollowTheConfiguredPoolSize() {
        context.withPropertyValues("spring.datasource.hikari.maximum-pool-size=3")
                .run(c -> {
                    assertThat(c).hasSingleBean(Scheduler.class);
                    assertThat(threads(c.getBean(Scheduler.class))).isEqualTo(3);
                });
        context.withPropertyValues("spring.datasource.hikari.maximum-pool-size=17")
                .run(c -> assertThat(threads(c.getBean(Scheduler.class))).isEqualTo(17));
    }

    @Test
    void withoutAConfiguredSizeItFollowsHikarisDefault() {
        context.run(c -> assertThat(threads(c.getBean(Scheduler.class))).isEqualTo(10));
    }

    private static @Nullable Integer threads(Scheduler scheduler) {
        return Scannable.from(scheduler).scan(Scannable.Attr.CAPACITY);
    }
}

package io.modelgateway.gateway.runtime;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The one scheduler all blocking JDBC runs on (never an event loop): bounded to as many threads as the connection
 * pool has connections, so no thread ever waits in the pool for a connection another JDBC thread cannot give
 * back, and the database sees no more concurrent work than the pool allows. Every feature injects this
 * {@link Scheduler} (it is the context's only one) instead of creating its own.
 */
@Configuration(proxyBeanMethods = false)
public class JdbcSchedulerConfiguration {

    /** Tasks waiting for a thread before new ones are refused (the features' former queues together). */
    static final int QUEUED_TASKS = 10_000;
    /** The threads when the data source is not a Hikari pool (Hikari's default maximum pool size). */
    static final int DEFAULT_THREADS = 10;

    @Bean(destroyMethod = "dispose")
    Scheduler jdbcScheduler(DataSource dataSource) {
        return Schedulers.newBoundedElastic(threads(dataSource), QUEUED_TASKS, "jdbc");
    }

    /** The reloaders of stored state, on this scheduler (the metrics count their failures per source). */
    @Bean
    Reloads reloads(Scheduler jdbcScheduler) {
        return new Reloads(jdbcScheduler);
    }

    /** The pool's maximum size. */
    static int threads(DataSource dataSource) {
        try {
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                return dataSource.unwrap(HikariDataSource.class).getMaximumPoolSize();
            }
        } catch (SQLException e) {
            // not a wrapper after all: the default below
        }
        return DEFAULT_THREADS;
    }
}

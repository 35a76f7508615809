package io.modelgateway.gateway.metering.accesslog;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelgateway.gateway.metering.MetricNames;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Takes the access log's formatting and console output off the request threads: the logger
 * {@value AccessLogFilter#LOGGER} gets a {@link BatchingAppender} whose writer thread hands each line to the root
 * logger's appenders (whatever Spring Boot configured: plain or structured console), with a bounded queue; it is
 * installed once per logging context. A request thread only queues the event, and while the writer is busy or was
 * busy in the last few milliseconds it does not wake it either (the writer polls; logback's {@code AsyncAppender}
 * signalled its worker for every line). When the queue is full the line is dropped rather than the event loop
 * blocked, and counted ({@value MetricNames#ACCESS_LOG_DROPPED}); nothing is dropped below the bound. On shutdown
 * the queue is flushed (waiting up to a second).
 */
@Component
@ConditionalOnProperty(name = "gateway.access-log.enabled", matchIfMissing = true)
public class AsyncAccessLog implements DisposableBean {

    /** Lines that may wait for the console; at ~300 bytes each about 5 MB at most. */
    static final int QUEUE_SIZE = 16_384;

    static final String NAME = "ACCESS_ASYNC";

    /** The appender this bean installed (null when one was installed before, or logback is not the backend). */
    private final BatchingAppender appender;

    private final Logger logger;

    @org.springframework.beans.factory.annotation.Autowired
    public AsyncAccessLog(MeterRegistry registry) {
        this(registry, LoggerFactory.getILoggerFactory() instanceof LoggerContext context ? context : null);
    }

    /** With the given logging context (null: the backend is not logback, nothing is installed). */
    AsyncAccessLog(MeterRegistry registry, LoggerContext context) {
        Counter dropped = Counter.builder(MetricNames.ACCESS_LOG_DROPPED)
                .description("Access-log lines dropped because the asynchronous log queue was full")
                .register(registry);
        if (context == null) {
            this.appender = null;
            this.logger = null;
            return;
        }
        this.logger = context.getLogger(AccessLogFilter.LOGGER);
        Appender<ILoggingEvent> existing = logger.getAppender(NAME);
        if (existing != null && existing.isStarted()) {
            this.appender = null; // another application context in this JVM installed it (tests)
            return;
        }
        BatchingAppender batching =
                new BatchingAppender(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME), QUEUE_SIZE, dropped);
        batching.setContext(context);
        batching.setName(NAME);
        batching.start();
        this.appender = batching;
        logger.addAppender(batching);
        logger.setAdditive(false);
    }

    /** Whether the access log goes through the queue (false when the logging backend is not logback). */
    boolean active() {
        return logger != null
                && logger.getAppender(NAME) != null
                && logger.getAppender(NAME).isStarted();
    }

    @Override
    public void destroy() {
        if (appender == null) {
            return;
        }
        logger.setAdditive(true);
        logger.detachAppender(appender);
        appender.stop(); // flushes what is queued, waiting up to BatchingAppender.MAX_FLUSH_MILLIS
    }
}

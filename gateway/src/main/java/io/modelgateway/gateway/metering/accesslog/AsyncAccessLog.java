package io.modelgateway.gateway.metering.accesslog;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelgateway.gateway.metering.MetricNames;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Takes the access log's formatting and console output off the request threads: the logger
 * {@value AccessLogFilter#LOGGER} gets logback's {@link AsyncAppender} in front of the root logger's appenders
 * (whatever Spring Boot configured: plain or structured console), with a bounded queue; it is installed once
 * per logging context. A request thread only
 * queues the event; when the queue is full the line is dropped rather than the event loop blocked, and counted
 * ({@value MetricNames#ACCESS_LOG_DROPPED}). Nothing is dropped below the bound (logback's default discarding
 * of INFO lines at 80% is off). On shutdown the queue is flushed.
 */
@Component
@ConditionalOnProperty(name = "gateway.access-log.enabled", matchIfMissing = true)
public class AsyncAccessLog implements DisposableBean {

    /** Lines that may wait for the console; at ~300 bytes each about 5 MB at most. */
    static final int QUEUE_SIZE = 16_384;

    static final String NAME = "ACCESS_ASYNC";

    /** The appender this bean installed (null when one was installed before, or logback is not the backend). */
    private final AsyncAppender appender;

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
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ToRoot toRoot = new ToRoot(root);
        toRoot.setContext(context);
        toRoot.setName(NAME + "_ROOT");
        toRoot.start();
        AsyncAppender async = new CountingAsyncAppender(dropped);
        async.setContext(context);
        async.setName(NAME);
        async.setQueueSize(QUEUE_SIZE);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(true);
        async.setIncludeCallerData(false);
        async.addAppender(toRoot);
        async.start();
        this.appender = async;
        logger.addAppender(async);
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
        appender.stop(); // flushes what is queued (logback waits up to its maxFlushTime)
    }

    /**
     * Hands each line, on the queue's thread, to the root logger's appenders as they are at that moment
     * (an {@link AsyncAppender} holds only one appender; the root may have several and Boot may replace them).
     */
    private static final class ToRoot extends AppenderBase<ILoggingEvent> {

        private final Logger root;

        ToRoot(Logger root) {
            this.root = root;
        }

        @Override
        protected void append(ILoggingEvent event) {
            root.callAppenders(event);
        }
    }

    /** Counts the lines refused by a full queue (neverBlock drops them). */
    private static final class CountingAsyncAppender extends AsyncAppender {

        private final Counter dropped;

        CountingAsyncAppender(Counter dropped) {
            this.dropped = dropped;
        }

        @Override
        protected void append(ILoggingEvent event) {
            if (getRemainingCapacity() == 0) {
                dropped.increment();
                return;
            }
            super.append(event);
        }
    }
}

package io.modelgateway.gateway.metering.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelgateway.gateway.metering.MetricNames;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The access log goes through a bounded queue: lines arrive in order, a full queue drops and counts, never blocks. */
class AsyncAccessLogTest {

    /** A logging context of its own: other tests' application contexts in this JVM log elsewhere. */
    private final LoggerContext context = new LoggerContext();

    private final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Gate gate = new Gate();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private AsyncAccessLog log;

    @AfterEach
    void tearDown() {
        gate.open.countDown();
        if (log != null) {
            log.destroy();
        }
        root.detachAppender(gate);
        context.stop();
    }

    private void install() {
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // a fresh context has none
        gate.setContext(context);
        gate.start();
        root.addAppender(gate);
        log = new AsyncAccessLog(registry, context);
        assertThat(log.active()).isTrue();
    }

    @Test
    void linesReachTheRootAppendersInOrderFromAnotherThread() {
        gate.open.countDown();
        install();
        Logger access = context.getLogger(AccessLogFilter.LOGGER);
        for (int i = 0; i < 100; i++) {
            access.info("access n={}", i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> gate.lines.size() >= 100);
        assertThat(gate.lines).hasSize(100).first().isEqualTo("access n=0");
        assertThat(gate.lines.get(99)).isEqualTo("access n=99");
        assertThat(gate.threads).doesNotContain(Thread.currentThread().getName());
        assertThat(registry.counter(MetricNames.ACCESS_LOG_DROPPED).count()).isZero();
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() {
        install();
        Logger access = context.getLogger(AccessLogFilter.LOGGER);
        // the queue's thread takes what is queued in one batch before it gets stuck: at most a queue's worth
        // there and a queue's worth waiting, the rest must be dropped
        int lines = 2 * AsyncAccessLog.QUEUE_SIZE + 500;
        for (int i = 0; i < lines; i++) {
            access.info("access n={}", i); // the console is stuck: this returns anyway
        }
        double dropped = registry.counter(MetricNames.ACCESS_LOG_DROPPED).count();
        assertThat(dropped).isGreaterThanOrEqualTo(500).isLessThanOrEqualTo(lines);
        gate.open.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> gate.lines.size() + dropped >= lines);
        assertThat(gate.lines.size() + (long) dropped).isEqualTo(lines);
    }

    @Test
    void closingFlushesAndRestoresTheLogger() {
        gate.open.countDown();
        install();
        context.getLogger(AccessLogFilter.LOGGER).info("access last");
        log.destroy();
        log = null;
        assertThat(gate.lines).contains("access last");
        assertThat(context.getLogger(AccessLogFilter.LOGGER).isAdditive()).isTrue();
    }

    @Test
    void aSecondApplicationContextReusesTheQueueInsteadOfDoublingLines() {
        gate.open.countDown();
        install();
        AsyncAccessLog second = new AsyncAccessLog(new SimpleMeterRegistry(), context);
        context.getLogger(AccessLogFilter.LOGGER).info("access once");
        await().atMost(Duration.ofSeconds(10)).until(() -> gate.lines.contains("access once"));
        second.destroy(); // not its queue: leaves it in place
        assertThat(log.active()).isTrue();
        context.getLogger(AccessLogFilter.LOGGER).info("access twice");
        await().atMost(Duration.ofSeconds(10)).until(() -> gate.lines.contains("access twice"));
        assertThat(gate.lines.stream().filter("access once"::equals)).hasSize(1);
    }

    /** A root appender that holds every line until opened (a stuck console). */
    private static final class Gate extends AppenderBase<ILoggingEvent> {
        final CountDownLatch open = new CountDownLatch(1);
        final List<String> lines = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            if (!event.getLoggerName().equals(AccessLogFilter.LOGGER)) {
                return;
            }
            try {
                open.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lines.add(event.getFormattedMessage());
            threads.add(Thread.currentThread().getName());
        }
    }
}

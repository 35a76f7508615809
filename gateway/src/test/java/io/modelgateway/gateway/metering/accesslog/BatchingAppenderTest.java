package io.modelgateway.gateway.metering.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.AppenderBase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The writer thread of the access log: every line arrives, a full queue drops and counts, stop flushes. */
class BatchingAppenderTest {

    private static final int CAPACITY = 100;

    private final LoggerContext context = new LoggerContext();
    private final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger access = context.getLogger(AccessLogFilter.LOGGER);
    private final Recorder recorder = new Recorder();
    private final Counter dropped = new SimpleMeterRegistry().counter("dropped");
    private BatchingAppender appender;

    @BeforeEach
    void setUp() {
        context.setMDCAdapter(new LogbackMDCAdapter()); // a fresh context has none
        recorder.setContext(context);
        recorder.start();
        root.addAppender(recorder);
        install(CAPACITY);
    }

    private void install(int capacity) {
        install(new BatchingAppender(root, capacity, dropped));
    }

    private void install(BatchingAppender fresh) {
        if (appender != null) {
            access.detachAppender(appender);
            appender.stop();
        }
        appender = fresh;
        appender.setContext(context);
        appender.setName("test");
        appender.start();
        access.addAppender(appender);
        access.setAdditive(false);
    }

    @AfterEach
    void tearDown() {
        recorder.open.countDown();
        appender.stop();
        context.stop();
    }

    @Test
    void everyLineFromSeveralThreadsArrivesInOrderPerThread() throws Exception {
        recorder.open.countDown();
        int threads = 4;
        int perThread = 2_000;
        install(threads * perThread); // room for every line: any line missing was lost, not dropped
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                sent.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        access.info("t={} n={}", thread, i);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> recorder.lines.size() >= threads * perThread);

        assertThat(recorder.lines).hasSize(threads * perThread);
        assertThat(dropped.count()).isZero();
        Map<String, List<Integer>> byThread = recorder.lines.stream()
                .collect(Collectors.groupingBy(
                        l -> l.substring(0, l.indexOf(' ')),
                        Collectors.mapping(
                                l -> Integer.parseInt(l.substring(l.indexOf("n=") + 2)), Collectors.toList())));
        assertThat(byThread).hasSize(threads);
        List<Integer> expected = IntStream.range(0, perThread).boxed().toList();
        byThread.values().forEach(numbers -> assertThat(numbers).isEqualTo(expected));
        assertThat(recorder.threads).containsOnly(BatchingAppender.THREAD_NAME);
    }

    @Test
    void theEventIsPreparedOnTheCallersThread() {
        recorder.open.countDown();
        context.getMDCAdapter().put("request_id", "r-1");
        try {
            access.info("with mdc");
        } finally {
            context.getMDCAdapter().remove("request_id");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.events.isEmpty());
        ILoggingEvent event = recorder.events.get(0);
        assertThat(event.getThreadName()).isEqualTo(Thread.currentThread().getName());
        assertThat(event.getMDCPropertyMap()).containsEntry("request_id", "r-1");
        assertThat(recorder.threads).containsOnly(BatchingAppender.THREAD_NAME);
    }

    @Test
    void aFullQueueDropsAndCountsAndTheRestArriveAfterRelease() {
        access.info("n=0");
        // the writer has taken line 0 and is stuck in the downstream appender: the queue is empty
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.entered.getCount() == 0);
        for (int i = 1; i <= CAPACITY + 25; i++) {
            access.info("n={}", i); // returns although nothing moves
        }
        assertThat(dropped.count()).isEqualTo(25);
        assertThat(appender.queued()).isEqualTo(CAPACITY);

        recorder.open.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.lines.size() >= CAPACITY + 1);
        List<String> expected =
                IntStream.rangeClosed(0, CAPACITY).mapToObj(i -> "n=" + i).toList();
        assertThat(recorder.lines).isEqualTo(expected);
    }

    @Test
    void stopFlushesWhatIsQueued() {
        access.info("n=0");
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.entered.getCount() == 0);
        for (int i = 1; i <= 50; i++) {
            access.info("n={}", i);
        }
        assertThat(appender.queued()).isEqualTo(50);
        recorder.open.countDown();

        appender.stop();

        assertThat(recorder.lines).hasSize(51).last().isEqualTo("n=50");
        assertThat(appender.queued()).isZero();
        access.info("after stop"); // refused by the stopped appender, not queued for a writer that is gone
        assertThat(appender.queued()).isZero();
    }

    @Test
    void aLineAfterTheWriterWentToSleepStillArrives() {
        recorder.open.countDown();
        access.info("before");
        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.lines.contains("before"));
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(5))
                .until(appender::sleeping);

        access.info("after");

        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.lines.contains("after"));
        assertThat(recorder.lines).containsExactly("before", "after");
    }

    @Test
    void aBurstWakesTheWriterBeforeItsPoll() {
        recorder.open.countDown();
        long hour = TimeUnit.HOURS.toNanos(1);
        install(new BatchingAppender(root, CAPACITY * 10, dropped, hour, 2 * hour)); // polls once an hour
        // parked for its first poll with nothing taken: every line of the burst is still waiting when the last comes
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> appender.writerState() == Thread.State.TIMED_WAITING);
        List<String> burst = IntStream.range(0, BatchingAppender.WAKE_AT)
                .mapToObj(i -> "n=" + i)
                .toList();

        burst.forEach(access::info); // the last one is the WAKE_AT-th waiting: it wakes the writer

        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.lines.size() == burst.size());
        assertThat(recorder.lines).isEqualTo(burst);
        assertThat(appender.sleeping()).isFalse();
    }

    /** A root appender that records each line, and holds the writer on the first one until opened. */
    private static final class Recorder extends AppenderBase<ILoggingEvent> {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);
        final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
        final List<String> lines = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            entered.countDown();
            try {
                open.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            events.add(event);
            lines.add(event.getFormattedMessage());
            threads.add(Thread.currentThread().getName());
        }
    }
}

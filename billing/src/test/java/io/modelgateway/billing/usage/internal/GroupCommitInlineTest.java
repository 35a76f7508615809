package io.modelgateway.billing.usage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelgateway.billing.usage.UsageRecord;
import io.modelgateway.billing.usage.UsageWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool without fsync and without a commit window: the submitting thread appends (no spool thread), every
 * record lands in the spool and reaches the store side exactly once, also with many submitters at a time, and
 * every future is complete once its record is written.
 */
class GroupCommitInlineTest {

    @TempDir
    Path dir;

    /** What the store side was handed, per record id; and whether it heard the end. */
    static final class Sink implements GroupCommit.Spooled {
        final List<String> ids = new CopyOnWriteArrayList<>();
        final List<Long> segments = new CopyOnWriteArrayList<>();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final AtomicBoolean ended = new AtomicBoolean();

        @Override
        public void spooled(long segment, List<UsageRecord> records) {
            segments.add(segment);
            records.forEach(r -> ids.add(r.requestId()));
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void ended() {
            ended.set(true);
        }
    }

    @Test
    void aLoneSubmitterAppendsItsOwnRecordBeforeSubmitReturns() throws Exception {
        Sink sink = new Sink();
        try (Spool spool = new Spool(dir, false)) {
            GroupCommit commit = new GroupCommit(spool, 10, 10, Duration.ZERO, true, sink);
            commit.start();
            assertThat(commit.reserve()).isTrue();

            CompletableFuture<Void> written = commit.submit(SpoolCrashTest.record(1, 1));

            assertThat(written).isCompleted();
            assertThat(sink.ids).containsExactly("g1-r1");
            assertThat(sink.threads).containsExactly(Thread.currentThread().getName());
            assertThat(commit.queued()).isZero();
            assertThat(sink.segments).allMatch(s -> s > 0);
            commit.stop();
            assertThat(sink.ended).isTrue();
        }
        try (Spool reopened = new Spool(dir, false)) {
            assertThat(replayedIds(reopened)).containsExactly("g1-r1");
        }
    }

    @Test
    void manySubmittersAtOnceLoseNoRecordAndWriteNoneTwice() throws Exception {
        int threads = 8;
        int perThread = 2_000;
        Sink sink = new Sink();
        List<CompletableFuture<Void>> futures = new CopyOnWriteArrayList<>();
        try (Spool spool = new Spool(dir, false)) {
            GroupCommit commit = new GroupCommit(spool, threads * perThread, 64, Duration.ZERO, true, sink);
            commit.start();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        assertThat(commit.reserve()).isTrue();
                        futures.add(commit.submit(SpoolCrashTest.record(thread, i)));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(1, TimeUnit.MINUTES);
            }
            pool.shutdown();

            // every submit has returned: each record was appended by its own submitter or by the one appending then
            assertThat(futures).hasSize(threads * perThread).allMatch(CompletableFuture::isDone);
            assertThat(commit.queued()).isZero();
            assertThat(sink.ids).hasSize(threads * perThread).doesNotHaveDuplicates();
            commit.stop();
        }
        try (Spool reopened = new Spool(dir, false)) {
            List<String> replayed = replayedIds(reopened);
            assertThat(replayed).hasSize(threads * perThread).doesNotHaveDuplicates();
            assertThat(replayed).containsExactlyInAnyOrderElementsOf(sink.ids);
        }
    }

    @Test
    void stoppingWaitsForAnAppendInProgressAndEndsAfterIt() throws Exception {
        CountDownLatch handingOn = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> events = new CopyOnWriteArrayList<>();
        GroupCommit.Spooled slow = new GroupCommit.Spooled() {
            @Override
            public void spooled(long segment, List<UsageRecord> records) {
                handingOn.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                events.add("spooled " + records.get(0).requestId());
            }

            @Override
            public void ended() {
                events.add("ended");
            }
        };
        try (Spool spool = new Spool(dir, false)) {
            GroupCommit commit = new GroupCommit(spool, 10, 10, Duration.ZERO, true, slow);
            commit.start();
            assertThat(commit.reserve()).isTrue();
            CompletableFuture<CompletableFuture<Void>> submitted =
                    CompletableFuture.supplyAsync(() -> commit.submit(SpoolCrashTest.record(3, 1)));
            assertThat(handingOn.await(1, TimeUnit.MINUTES)).isTrue(); // the appender is inside its hand-off

            Thread stopper = new Thread(commit::stop, "stopper");
            stopper.start();
            stopper.join(200);
            assertThat(stopper.isAlive())
                    .as("stop waits for the append in progress")
                    .isTrue();
            release.countDown();
            stopper.join(TimeUnit.MINUTES.toMillis(1));

            assertThat(stopper.isAlive()).isFalse();
            assertThat(submitted.get(1, TimeUnit.MINUTES)).isCompleted();
            assertThat(events).containsExactly("spooled g3-r1", "ended");
        }
    }

    @Test
    void aSpoolThatCannotBeWrittenStillReleasesTheCall() throws Exception {
        Sink sink = new Sink();
        try (Spool spool = new Spool(dir, false)) {
            GroupCommit commit = new GroupCommit(spool, 10, 10, Duration.ZERO, true, sink);
            commit.start();
            deleteRecursively(dir); // the first append creates a segment file there: it fails
            assertThat(commit.reserve()).isTrue();

            CompletableFuture<Void> written = commit.submit(SpoolCrashTest.record(2, 1));

            assertThat(written).isCompleted();
            assertThat(commit.failures()).isEqualTo(1);
            assertThat(sink.ids).containsExactly("g2-r1"); // handed on to be stored from memory
            assertThat(sink.segments).containsExactly(-1L);
        }
    }

    @Test
    void onlyASpoolNotForcedToDiskWithoutACommitWindowIsAppendedInline() {
        try (Spool forced = new Spool(dir.resolve("forced"), true);
                Spool unforced = new Spool(dir.resolve("unforced"), false)) {
            assertThatThrownBy(() -> new GroupCommit(forced, 10, 10, Duration.ZERO, true, new Sink()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new GroupCommit(unforced, 10, 10, Duration.ofMillis(1), true, new Sink()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theWriterAppendsInlineOnlyWithoutFsyncAndWithoutACommitWindow() {
        Duration second = Duration.ofSeconds(1);
        assertThat(new UsageWriter.Settings(10, 10, second, second, Duration.ZERO, false).appendsInline())
                .isTrue();
        assertThat(new UsageWriter.Settings(10, 10, second, second, Duration.ZERO, true).appendsInline())
                .isFalse();
        assertThat(new UsageWriter.Settings(10, 10, second, second, Duration.ofNanos(1000), false).appendsInline())
                .isFalse();
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static List<String> replayedIds(Spool spool) throws Exception {
        List<String> ids = new ArrayList<>();
        for (long segment : spool.previous()) {
            for (Spool.Group g : spool.replay(segment).groups()) {
                g.records().forEach(r -> ids.add(r.requestId()));
            }
        }
        return ids;
    }
}

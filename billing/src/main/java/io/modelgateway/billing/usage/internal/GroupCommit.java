package io.modelgateway.billing.usage.internal;

import io.modelgateway.billing.usage.UsageRecord;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool side of the usage writer: records queue in memory (bounded by slots {@link #reserve reserved} before
 * a call is forwarded), a group of them is appended to the {@link Spool}, and only then are the futures {@link
 * #submit} returned completed and the group handed on ({@link Spooled}). Who appends depends on the spool:
 *
 * <ul>
 *   <li><b>Forced to disk, or with a commit window</b>: a thread of its own ({@code usage-spool}) takes whatever
 *       has queued (waiting at most {@code commitWindow} for more, up to {@code batchSize}) and appends it. While
 *       one group is being forced to disk the next gathers, so under load one fsync covers many records.
 *   <li><b>Neither</b> (the gateway's default): the submitting thread appends whatever has queued itself, a
 *       {@code write} into the operating system's page cache (microseconds), unless another submitter is
 *       appending at that moment, which then takes its record too (one appender at a time; the last one looks
 *       at the queue again after letting go, so no record is left behind). The record is durable when {@link
 *       #submit} returns, without two thread wake-ups per call (the spool thread's, and the request thread's
 *       when the spool thread hands the call back), which cost more than the write on a busy machine.
 * </ul>
 */
public final class GroupCommit {

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Where spooled groups go (the store side); called on the spool thread. */
    public interface Spooled {
        /** A group is in the spool's {@code segment} (-1: the spool could not be written; in memory only). */
        void spooled(long segment, List<UsageRecord> records);

        /** Nothing more comes: the spool thread has ended. */
        void ended();
    }

    /** A record and the future completed once it is on disk. */
    private record Pending(UsageRecord record, CompletableFuture<Void> spooled) {}

    private final Spool spool;
    private final int capacity;
    private final int batchSize;
    private final long commitWindowNanos;
    private final Spooled next;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger reserved = new AtomicInteger();
    private final LongAdder groups = new LongAdder();
    private final LongAdder grouped = new LongAdder();
    private final LongAdder spoolNanos = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final boolean inline;
    private final AtomicBoolean appending = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean stopping;

    /**
     * @param inline whether submitters append their own groups (only with a spool that is not forced to disk and
     *        no commit window: then an append never waits for the disk)
     */
    public GroupCommit(Spool spool, int capacity, int batchSize, Duration commitWindow, boolean inline, Spooled next) {
        if (inline && (spool.forced() || !commitWindow.isZero())) {
            throw new IllegalArgumentException(
                    "submitters append inline only to a spool not forced to disk, without a commit window");
        }
        this.inline = inline;
        this.spool = spool;
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.commitWindowNanos = commitWindow.toNanos();
        this.next = next;
        this.thread = new Thread(this::run, "usage-spool");
        this.thread.setDaemon(true);
    }

    public void start() {
        if (!inline) {
            thread.start();
        }
    }

    /** Reserves room for one record; {@code false} when the queue is full. Never blocks. */
    public boolean reserve() {
        while (true) {
            int n = reserved.get();
            if (n >= capacity) {
                return false;
            }
            if (reserved.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives back a reserved slot that will not be used. */
    public void cancel() {
        reserved.decrementAndGet();
    }

    /**
     * Queues a record into a reserved slot; the future completes once its group is written (or failed to be):
     * appending inline, before this returns unless another submitter is appending (then on its thread).
     */
    public CompletableFuture<Void> submit(UsageRecord record) {
        CompletableFuture<Void> spooled = new CompletableFuture<>();
        queue.add(new Pending(record, spooled));
        if (inline) {
            appendQueued();
        }
        return spooled;
    }

    /**
     * Appends what has queued, one group of at most {@code batchSize} at a time, unless another thread is at it.
     * Whoever lets go looks at the queue again: a record queued while the appender was busy (its submitter found
     * the flag taken) is taken by the appender's second look, or by its own submitter if that one comes later.
     */
    private void appendQueued() {
        while (!queue.isEmpty() && appending.compareAndSet(false, true)) {
            try {
                appendGroup();
            } finally {
                appending.set(false);
            }
        }
    }

    /** Appends one group of what has queued; the caller holds {@link #appending}. */
    private void appendGroup() {
        List<Pending> group = new ArrayList<>(Math.min(batchSize, 16));
        queue.drainTo(group, batchSize);
        if (!group.isEmpty()) {
            write(group);
        }
    }

    /** Records waiting in memory for the spool. */
    public int queued() {
        return queue.size();
    }

    /** The oldest record waiting for the spool, if any. */
    public @Nullable UsageRecord oldestQueued() {
        Pending p = queue.peek();
        return p == null ? null : p.record();
    }

    /** Times a group could not be written (its records then wait in memory only). */
    public long failures() {
        return failures.sum();
    }

    /** Groups written and the time spent (for benchmarks). */
    public String stats() {
        long g = groups.sum();
        return String.format(
                "%d spool groups (%.1f records each), spool %d ms",
                g, g == 0 ? 0.0 : grouped.sum() / (double) g, spoolNanos.sum() / 1_000_000);
    }

    /** Drains the queue to the spool and ends (no interrupt: it would close the spool's files). */
    public void stop() {
        stopping = true;
        if (inline) {
            // a request's thread may be appending right now: its group is handed on before the end, and the
            // spool is not closed under it (the writer closes the spool once this returns)
            while (!appending.compareAndSet(false, true)) {
                Thread.onSpinWait();
            }
            try {
                while (!queue.isEmpty()) {
                    appendGroup();
                }
            } finally {
                appending.set(false);
            }
            next.ended();
        }
    }

    public void join(Duration timeout) throws InterruptedException {
        if (!inline) {
            thread.join(timeout.toMillis());
        }
    }

    private void run() {
        try {
            while (!stopping || !queue.isEmpty()) {
                try {
                    List<Pending> group = nextGroup();
                    if (!group.isEmpty()) {
                        write(group);
                    }
                } catch (InterruptedException e) {
                    if (!stopping) {
                        return;
                    }
                } catch (RuntimeException e) {
                    log.error("usage spool failed; continuing", e);
                }
            }
        } finally {
            next.ended();
        }
    }

    private List<Pending> nextGroup() throws InterruptedException {
        List<Pending> group = new ArrayList<>();
        Pending first = queue.poll(stopping ? 0 : IDLE_NANOS, TimeUnit.NANOSECONDS);
        if (first == null) {
            return group;
        }
        group.add(first);
        long deadline = System.nanoTime() + commitWindowNanos;
        while (group.size() < batchSize) {
            queue.drainTo(group, batchSize - group.size());
            long left = deadline - System.nanoTime();
            if (group.size() >= batchSize || left <= 0 || stopping) {
                break;
            }
            Pending p = queue.poll(left, TimeUnit.NANOSECONDS);
            if (p == null) {
                break;
            }
            group.add(p);
        }
        return group;
    }

    private void write(List<Pending> group) {
        List<UsageRecord> records = new ArrayList<>(group.size());
        group.forEach(p -> records.add(p.record()));
        long segment = -1;
        long t0 = System.nanoTime();
        try {
            segment = spool.append(records);
            spoolNanos.add(System.nanoTime() - t0);
            groups.increment();
            grouped.add(records.size());
        } catch (IOException | RuntimeException e) { // also a bug: no caller's answer may wait for ever
            failures.increment();
            log.error("usage spool is not writable; {} records are kept in memory only", records.size(), e);
        }
        try {
            next.spooled(segment, records);
        } catch (RuntimeException e) { // a bug of the store side: the records are spooled, the answers not held
            log.error("usage spool could not hand {} records on to the store", records.size(), e);
        } finally {
            reserved.addAndGet(-records.size());
            group.forEach(p -> p.spooled().complete(null));
        }
    }
}

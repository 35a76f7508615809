package io.modelgateway.billing.usage;

import io.modelgateway.billing.usage.internal.Spool;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes usage records off the request path, on its own thread: records queue in memory (bounded: a
 * caller {@link #reserve reserves} a slot before the call is forwarded, so a record always finds room), are
 * taken in batches (by size or time), each batch is first made durable in the local {@link Spool} and then
 * stored in one transaction. While the database is unreachable the batches stay in the spool and are
 * stored in their order once it is back, retried every {@code retryInterval}; on start, batches a
 * previous process left in the spool are stored first. The store skips request ids it already has, so a
 * batch stored but not yet removed from the spool when the process died is not written twice.
 */
public final class UsageWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UsageWriter.class);

    /**
     * @param capacity records that may wait in memory (reserved slots)
     * @param batchSize most records per batch
     * @param flushInterval longest a record waits for its batch to fill
     * @param retryInterval how often an unreachable database is tried again
     */
    public record Settings(int capacity, int batchSize, Duration flushInterval, Duration retryInterval) {
        public Settings {
            if (capacity < 1 || batchSize < 1 || batchSize > capacity) {
                throw new IllegalArgumentException("need 1 <= batchSize <= capacity");
            }
            if (flushInterval.isNegative() || flushInterval.isZero() || retryInterval.isNegative()
                    || retryInterval.isZero()) {
                throw new IllegalArgumentException("intervals must be positive");
            }
        }
    }

    /** A batch in the spool (with its records still in memory when it was spooled by this process). */
    private record Segment(Path file, List<UsageRecord> records) {}

    private final UsageStore store;
    private final Spool spool;
    private final Settings settings;
    private final LinkedBlockingQueue<UsageRecord> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger reserved = new AtomicInteger();
    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private final Map<String, LongAdder> pendingCost = new ConcurrentHashMap<>();
    private final AtomicLong written = new AtomicLong();
    private final AtomicInteger spooledBatches = new AtomicInteger();
    private volatile long oldestUnstoredEndMillis; // 0 when everything is stored
    private final LongAdder batches = new LongAdder();
    private final LongAdder spoolNanos = new LongAdder();
    private final LongAdder storeNanos = new LongAdder();
    private final Thread thread;
    private volatile boolean healthy = true;
    private volatile boolean stopping;
    private volatile boolean busy;
    private long nextRetryNanos;

    public UsageWriter(UsageStore store, Path spoolDir, Settings settings) {
        this.store = Objects.requireNonNull(store);
        this.settings = Objects.requireNonNull(settings);
        this.spool = new Spool(spoolDir);
        for (Path file : spool.pending()) {
            segments.add(new Segment(file, null));
        }
        spooledBatches.set(segments.size());
        this.thread = new Thread(this::run, "usage-writer");
        this.thread.setDaemon(true);
    }

    /** Starts the writer thread; batches left in the spool by an earlier process are stored first. */
    public UsageWriter start() {
        if (!segments.isEmpty()) {
            log.info("usage spool holds {} batches from before; storing them first", segments.size());
        }
        thread.start();
        return this;
    }

    /** Reserves room for one record; {@code false} when the in-memory queue is full. Never blocks. */
    public boolean reserve() {
        while (true) {
            int n = reserved.get();
            if (n >= settings.capacity()) {
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

    /** Queues a record into a slot reserved before. Never blocks. */
    public void submit(UsageRecord record) {
        pendingCost.computeIfAbsent(record.tenant(), t -> new LongAdder()).add(record.costMicros());
        queue.add(record);
    }

    /** Reserves and queues; {@code false} (and nothing queued) when full. */
    public boolean offer(UsageRecord record) {
        if (!reserve()) {
            return false;
        }
        submit(record);
        return true;
    }

    /** Cost of this tenant's records submitted by this process and not stored yet. */
    public long pendingCost(String tenant) {
        LongAdder a = pendingCost.get(tenant);
        return a == null ? 0 : a.sum();
    }

    /** Records stored by this writer (not counting ones already there). */
    public long written() {
        return written.get();
    }

    /** Batches waiting in the spool (the database was unreachable, or they are being stored now). */
    public int spooledBatches() {
        return spooledBatches.get();
    }

    /** Records waiting in memory. */
    public int queued() {
        return queue.size();
    }

    /** Batches taken, and the time spent spooling and storing them (for benchmarks). */
    public String stats() {
        return String.format("%d batches, spool %d ms, store %d ms", batches.sum(), spoolNanos.sum() / 1_000_000,
                storeNanos.sum() / 1_000_000);
    }

    /** Whether the last attempt to store reached the database. */
    public boolean healthy() {
        return healthy;
    }

    /** Waits until every record submitted so far is stored; {@code false} on timeout. */
    public boolean awaitStored(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (queue.isEmpty() && spooledBatches.get() == 0 && !busy) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    private void run() {
        while (!stopping || !queue.isEmpty()) {
            try {
                List<UsageRecord> batch = nextBatch();
                if (!batch.isEmpty()) {
                    spoolBatch(batch);
                }
                if (!segments.isEmpty() && (healthy || System.nanoTime() - nextRetryNanos >= 0)) {
                    storeSpooled();
                }
            } catch (InterruptedException e) {
                if (!stopping) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (RuntimeException e) {
                log.error("usage writer failed; continuing", e);
            } finally {
                busy = false;
                oldestUnstoredEndMillis = oldestUnstored();
            }
        }
        if (!segments.isEmpty()) {
            storeSpooled(); // a last try; what stays in the spool is stored on the next start
        }
    }

    /** The end time of the oldest record not yet stored (writer thread only), or 0. */
    private long oldestUnstored() {
        Segment oldest = segments.peek();
        UsageRecord r = oldest != null && oldest.records() != null && !oldest.records().isEmpty()
                ? oldest.records().get(0) : queue.peek();
        return r == null ? 0 : r.endedAt().toEpochMilli();
    }

    /**
     * Seconds since the oldest record not yet in the database ended (0 when all are stored), as of the writer's
     * last round (at most one flush interval ago).
     */
    public double lagSeconds(long nowMillis) {
        long oldest = oldestUnstoredEndMillis;
        return oldest == 0 ? 0 : Math.max(0, nowMillis - oldest) / 1000.0;
    }

    private List<UsageRecord> nextBatch() throws InterruptedException {
        List<UsageRecord> batch = new ArrayList<>(Math.min(settings.batchSize(), 1024));
        long waitNanos = segments.isEmpty() || healthy ? settings.flushInterval().toNanos()
                : Math.min(settings.flushInterval().toNanos(), Math.max(0, nextRetryNanos - System.nanoTime()));
        UsageRecord first = queue.poll(stopping ? 0 : waitNanos, TimeUnit.NANOSECONDS);
        if (first == null) {
            return batch;
        }
        busy = true;
        batch.add(first);
        long deadline = System.nanoTime() + settings.flushInterval().toNanos();
        while (batch.size() < settings.batchSize()) {
            queue.drainTo(batch, settings.batchSize() - batch.size());
            long left = deadline - System.nanoTime();
            if (batch.size() >= settings.batchSize() || left <= 0 || stopping) {
                break;
            }
            UsageRecord r = queue.poll(left, TimeUnit.NANOSECONDS);
            if (r == null) {
                break;
            }
            batch.add(r);
        }
        return batch;
    }

    private void spoolBatch(List<UsageRecord> batch) {
        Path file = null;
        long t0 = System.nanoTime();
        try {
            file = spool.append(batch);
            spoolNanos.add(System.nanoTime() - t0);
            batches.increment();
        } catch (IOException e) {
            log.error("usage spool is not writable; {} records are kept in memory only", batch.size(), e);
        }
        segments.add(new Segment(file, batch));
        spooledBatches.incrementAndGet();
        reserved.addAndGet(-batch.size());
    }

    /** Stores spooled batches in order until one fails. */
    private void storeSpooled() {
        busy = true;
        while (!segments.isEmpty()) {
            Segment s = segments.peek();
            List<UsageRecord> records = recordsOf(s);
            if (records == null) {
                drop(s);
                continue;
            }
            if (!store(records)) {
                return;
            }
            drop(s);
            settle(records);
        }
    }

    private List<UsageRecord> recordsOf(Segment s) {
        if (s.records() != null) {
            return s.records();
        }
        try {
            List<UsageRecord> records = spool.read(s.file());
            records.forEach(r -> pendingCost.computeIfAbsent(r.tenant(), t -> new LongAdder()).add(r.costMicros()));
            return records;
        } catch (IOException e) {
            log.error("usage spool file {} cannot be read; set aside as .bad", s.file(), e);
            try {
                spool.quarantine(s.file());
            } catch (IOException again) {
                log.error("cannot set {} aside", s.file(), again);
            }
            return null;
        }
    }

    /** One try, and one more at once (two replicas may have raced on a rollup row); then wait. */
    private boolean store(List<UsageRecord> records) {
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                long t0 = System.nanoTime();
                written.addAndGet(store.insert(records));
                storeNanos.add(System.nanoTime() - t0);
                if (!healthy) {
                    log.info("usage store reachable again; storing spooled batches");
                }
                healthy = true;
                return true;
            } catch (SQLException | RuntimeException e) {
                if (attempt == 2) {
                    if (healthy) {
                        log.warn("usage store unreachable ({}); batches wait in the spool", e.toString());
                    }
                    healthy = false;
                    nextRetryNanos = System.nanoTime() + settings.retryInterval().toNanos();
                }
            }
        }
        return false;
    }

    private void drop(Segment s) {
        segments.poll();
        spooledBatches.decrementAndGet();
        if (s.file() != null) {
            try {
                spool.delete(s.file());
            } catch (IOException e) {
                log.warn("cannot remove stored spool file {} (replay will skip its records)", s.file(), e);
            }
        }
    }

    private void settle(List<UsageRecord> records) {
        for (UsageRecord r : records) {
            LongAdder a = pendingCost.get(r.tenant());
            if (a != null) {
                a.add(-r.costMicros());
            }
        }
    }

    /** Stops taking batches after the queue is drained to the spool (and to the database if reachable). */
    @Override
    public void close() {
        stopping = true; // the thread notices within one flush interval (no interrupt: it would close files)
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        spool.close();
    }
}

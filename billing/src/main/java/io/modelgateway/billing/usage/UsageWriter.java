package io.modelgateway.billing.usage;

import io.modelgateway.billing.usage.internal.DeadLetterFile;
import io.modelgateway.billing.usage.internal.Spool;
import io.modelgateway.billing.usage.internal.StoreErrors;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes usage records off the request path, in two steps on two threads of its own.
 *
 * <p><b>Spool (group commit).</b> Records queue in memory (bounded: a caller {@link #reserve reserves} a slot
 * before the call is forwarded, so a record always finds room). The spool thread takes whatever has queued
 * (waiting at most {@code commitWindow} for more), writes it as one file of the local {@link Spool}, forces it
 * to disk and only then completes the future {@link #submit} returned: the gateway holds the last bytes of
 * an answer until then, so a response the client saw complete has its record on disk even if the process is
 * killed the next moment. While one group is being forced the next one gathers, so under load one fsync
 * covers many records.
 *
 * <p><b>Store (batches).</b> The store thread gathers spooled groups into batches (by size or by
 * {@code flushInterval}) and stores each in one transaction. While the database is unreachable the groups stay
 * in the spool and are stored in their order once it is back, retried every {@code retryInterval}; on start,
 * segments a previous process left in the spool are stored first. The store skips request ids it already has,
 * so a group stored but still in the spool when the process died is not written twice. A spool segment is
 * deleted once all its groups are stored and the store has {@linkplain UsageStore#sync forced} them to disk.
 *
 * <p><b>Dead letters.</b> A batch the database refuses for its content (see {@link StoreErrors}) is split until
 * the refused records are found; each is set aside in {@code usage_dead_letter}, or in the spool directory's
 * {@link DeadLetterFile} when that table refuses it too, and counted ({@link #deadLettered}). The other records
 * are stored as usual.
 */
public final class UsageWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UsageWriter.class);
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * @param capacity records that may wait in memory (reserved slots)
     * @param batchSize most records per database transaction (and per spool group)
     * @param flushInterval longest a spooled record waits for its database batch to fill
     * @param retryInterval how often an unreachable database is tried again
     * @param commitWindow longest the spool thread waits for more records before forcing a group to disk
     *        (zero: a group is what queued while the previous one was being forced)
     * @param fsync force each spool group to the disk before its records count as durable (survives a power
     *        loss or kernel crash); without it a group is durable once written to the operating system (survives
     *        the process being killed, SIGKILL included), which costs microseconds instead of an fsync
     */
    public record Settings(
            int capacity,
            int batchSize,
            Duration flushInterval,
            Duration retryInterval,
            Duration commitWindow,
            boolean fsync) {
        public Settings {
            if (capacity < 1 || batchSize < 1 || batchSize > capacity) {
                throw new IllegalArgumentException("need 1 <= batchSize <= capacity");
            }
            if (flushInterval.isNegative()
                    || flushInterval.isZero()
                    || retryInterval.isNegative()
                    || retryInterval.isZero()
                    || commitWindow.isNegative()) {
                throw new IllegalArgumentException("intervals must be positive (the commit window may be zero)");
            }
        }

        /** Forcing every group to disk. */
        public Settings(
                int capacity, int batchSize, Duration flushInterval, Duration retryInterval, Duration commitWindow) {
            this(capacity, batchSize, flushInterval, retryInterval, commitWindow, true);
        }

        /** Without a commit window, forcing every group to disk. */
        public Settings(int capacity, int batchSize, Duration flushInterval, Duration retryInterval) {
            this(capacity, batchSize, flushInterval, retryInterval, Duration.ZERO, true);
        }
    }

    /** A record and the future completed once it is on disk. */
    private record Pending(UsageRecord record, CompletableFuture<Void> spooled) {}

    /**
     * A group in the spool ({@code segment} -1: the spool could not be written, kept in memory only), or, with
     * {@code records} null, a whole segment a previous process left, read when its turn comes.
     */
    private static final class Group {
        final long segment;
        final long spooledAtNanos;
        final List<UsageRecord> records; // null: a previous process's segment, not read yet

        Group(long segment, List<UsageRecord> records, long spooledAtNanos) {
            this.segment = segment;
            this.records = records;
            this.spooledAtNanos = spooledAtNanos;
        }
    }

    private final UsageStore store;
    private final Spool spool;
    private final Settings settings;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Group> arrivals = new LinkedBlockingQueue<>();
    private final ArrayDeque<Group> groupsWaiting = new ArrayDeque<>(); // store thread only
    private final DeadLetterFile deadLetterFile;
    private final AtomicInteger reserved = new AtomicInteger();
    private final Map<String, LongAdder> pendingCost = new ConcurrentHashMap<>();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong unstored = new AtomicLong();
    private final AtomicInteger spooledBatches = new AtomicInteger();
    private volatile long oldestUnstoredEndMillis; // 0 when everything is stored
    private final LongAdder groups = new LongAdder();
    private final LongAdder grouped = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder spoolNanos = new LongAdder();
    private final LongAdder storeNanos = new LongAdder();
    private final LongAdder spoolFailures = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final Thread spoolThread;
    private final Thread storeThread;
    private volatile boolean healthy = true;
    private volatile boolean stopping;
    private volatile boolean spoolDone;
    private long nextRetryNanos;
    private boolean syncFailing; // store thread only

    public UsageWriter(UsageStore store, Path spoolDir, Settings settings) {
        this.store = Objects.requireNonNull(store);
        this.settings = Objects.requireNonNull(settings);
        this.spool = new Spool(spoolDir, settings.fsync());
        this.deadLetterFile = new DeadLetterFile(spoolDir.resolve(DeadLetterFile.NAME));
        for (long segment : spool.previous()) {
            groupsWaiting.add(new Group(segment, null, 0));
        }
        spooledBatches.set(groupsWaiting.size());
        this.spoolThread = new Thread(this::spoolLoop, "usage-spool");
        this.spoolThread.setDaemon(true);
        this.storeThread = new Thread(this::storeLoop, "usage-writer");
        this.storeThread.setDaemon(true);
    }

    /** Starts the writer's threads; groups left in the spool by an earlier process are stored first. */
    public UsageWriter start() {
        if (!groupsWaiting.isEmpty()) {
            log.info("usage spool holds {} segments from before; storing them first", groupsWaiting.size());
        }
        spoolThread.start();
        storeThread.start();
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

    /**
     * Queues a record into a slot reserved before. Never blocks. The future completes once the record is
     * forced to disk in the spool (also, after logging, when the spool cannot be written: then the record
     * waits in memory only).
     */
    public CompletableFuture<Void> submit(UsageRecord record) {
        pendingCost.computeIfAbsent(record.tenant(), t -> new LongAdder()).add(record.costMicros());
        unstored.incrementAndGet();
        CompletableFuture<Void> spooled = new CompletableFuture<>();
        queue.add(new Pending(record, spooled));
        return spooled;
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

    /** Groups waiting in the spool (the database was unreachable, or they wait for their batch). */
    public int spooledBatches() {
        return spooledBatches.get();
    }

    /** Records waiting in memory for the spool. */
    public int queued() {
        return queue.size();
    }

    /** Times a spool group could not be written (its records then wait in memory only). */
    public long spoolFailures() {
        return spoolFailures.sum();
    }

    /** Records the database refused for their content, set aside as dead letters (table or file). */
    public long deadLettered() {
        return deadLettered.sum();
    }

    /** Spool groups and database batches, and the time spent on them (for benchmarks). */
    public String stats() {
        long g = groups.sum();
        return String.format(
                "%d spool groups (%.1f records each), spool %d ms, %d database batches, store %d ms",
                g,
                g == 0 ? 0.0 : grouped.sum() / (double) g,
                spoolNanos.sum() / 1_000_000,
                batches.sum(),
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
            if (unstored.get() == 0 && spooledBatches.get() == 0) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    /**
     * Seconds since the oldest record not yet in the database ended (0 when all are stored), as of the store
     * thread's last round.
     */
    public double lagSeconds(long nowMillis) {
        long oldest = oldestUnstoredEndMillis;
        return oldest == 0 ? 0 : Math.max(0, nowMillis - oldest) / 1000.0;
    }

    // --- the spool thread ---

    private void spoolLoop() {
        try {
            while (!stopping || !queue.isEmpty()) {
                try {
                    List<Pending> group = nextGroup();
                    if (!group.isEmpty()) {
                        spoolGroup(group);
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
            spoolDone = true;
        }
    }

    private List<Pending> nextGroup() throws InterruptedException {
        List<Pending> group = new ArrayList<>();
        Pending first = queue.poll(stopping ? 0 : IDLE_NANOS, TimeUnit.NANOSECONDS);
        if (first == null) {
            return group;
        }
        group.add(first);
        long window = settings.commitWindow().toNanos();
        long deadline = System.nanoTime() + window;
        while (group.size() < settings.batchSize()) {
            queue.drainTo(group, settings.batchSize() - group.size());
            long left = deadline - System.nanoTime();
            if (group.size() >= settings.batchSize() || left <= 0 || stopping) {
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

    private void spoolGroup(List<Pending> group) {
        List<UsageRecord> records = new ArrayList<>(group.size());
        group.forEach(p -> records.add(p.record()));
        long segment = -1;
        long t0 = System.nanoTime();
        try {
            segment = spool.append(records);
            spoolNanos.add(System.nanoTime() - t0);
            groups.increment();
            grouped.add(records.size());
        } catch (IOException e) {
            spoolFailures.increment();
            log.error("usage spool is not writable; {} records are kept in memory only", records.size(), e);
        }
        spooledBatches.incrementAndGet();
        arrivals.add(new Group(segment, records, System.nanoTime()));
        reserved.addAndGet(-records.size());
        group.forEach(p -> p.spooled().complete(null));
    }

    // --- the store thread ---

    private void storeLoop() {
        while (!(spoolDone && arrivals.isEmpty())) {
            try {
                Group g = arrivals.poll(waitNanos(), TimeUnit.NANOSECONDS);
                if (g != null) {
                    groupsWaiting.add(g);
                    arrivals.drainTo(groupsWaiting);
                }
                if (due()) {
                    storeBatch();
                }
                if (healthy) {
                    release();
                }
            } catch (InterruptedException e) {
                if (!stopping) {
                    return;
                }
            } catch (RuntimeException e) {
                log.error("usage writer failed; continuing", e);
            } finally {
                oldestUnstoredEndMillis = oldestUnstored();
            }
        }
        while (!groupsWaiting.isEmpty() && storeBatch()) {
            // a last try; what stays in the spool is stored on the next start
        }
        spool.close(); // seals the segment being written, so a stored one can go
        release();
    }

    private long waitNanos() {
        if (stopping || groupsWaiting.isEmpty()) {
            return stopping ? TimeUnit.MILLISECONDS.toNanos(5) : IDLE_NANOS;
        }
        long now = System.nanoTime();
        if (!healthy) {
            return Math.max(0, nextRetryNanos - now);
        }
        if (recordsWaiting() >= settings.batchSize()) {
            return 0;
        }
        return Math.max(
                0,
                groupsWaiting.peek().spooledAtNanos + settings.flushInterval().toNanos() - now);
    }

    private boolean due() {
        if (groupsWaiting.isEmpty()) {
            return false;
        }
        long now = System.nanoTime();
        if (!healthy) {
            return now - nextRetryNanos >= 0;
        }
        return stopping
                || recordsWaiting() >= settings.batchSize()
                || now - groupsWaiting.peek().spooledAtNanos
                        >= settings.flushInterval().toNanos();
    }

    private int recordsWaiting() {
        int n = 0;
        for (Group g : groupsWaiting) {
            n += g.records == null ? settings.batchSize() : g.records.size();
            if (n >= settings.batchSize()) {
                break;
            }
        }
        return n;
    }

    /** The end time of the oldest record not yet stored (store thread only), or 0. */
    private long oldestUnstored() {
        Group oldest = groupsWaiting.peek();
        UsageRecord r =
                oldest != null && oldest.records != null && !oldest.records.isEmpty() ? oldest.records.get(0) : null;
        if (r == null) {
            Pending p = queue.peek();
            r = p == null ? null : p.record();
        }
        return r == null ? 0 : r.endedAt().toEpochMilli();
    }

    /** Stores the oldest spooled groups (up to a batch) in one transaction; {@code false} when that failed. */
    private boolean storeBatch() {
        readPrevious();
        List<Group> taken = new ArrayList<>();
        List<UsageRecord> batch = new ArrayList<>();
        for (Group g : groupsWaiting) {
            if (g.records == null || (!batch.isEmpty() && batch.size() + g.records.size() > settings.batchSize())) {
                break;
            }
            taken.add(g);
            batch.addAll(g.records);
        }
        if (taken.isEmpty()) {
            return true;
        }
        if (!store(batch)) {
            return false;
        }
        for (Group g : taken) {
            groupsWaiting.remove(g);
            spooledBatches.decrementAndGet();
            spool.stored(g.segment, 1);
        }
        settle(batch);
        return true;
    }

    /** Replaces a previous process's segment at the head by the groups read from it. */
    private void readPrevious() {
        Group head = groupsWaiting.peek();
        if (head == null || head.records != null) {
            return;
        }
        groupsWaiting.poll();
        List<Spool.Group> read;
        try {
            read = spool.replay(head.segment).groups();
        } catch (IOException e) {
            log.error(
                    "usage spool segment {} cannot be read; left in {} for an operator", head.segment, spool.dir(), e);
            spooledBatches.decrementAndGet();
            return;
        }
        List<Group> groupsRead = new ArrayList<>(read.size());
        for (Spool.Group g : read) {
            g.records()
                    .forEach(r -> pendingCost
                            .computeIfAbsent(r.tenant(), t -> new LongAdder())
                            .add(r.costMicros()));
            unstored.addAndGet(g.records().size());
            groupsRead.add(new Group(g.segment(), g.records(), 0));
        }
        for (int i = groupsRead.size() - 1; i >= 0; i--) {
            groupsWaiting.addFirst(groupsRead.get(i));
        }
        spooledBatches.addAndGet(groupsRead.size() - 1);
    }

    /**
     * Stores a batch; records the database refuses for their content (a data or constraint error) are found by
     * splitting the batch and set aside as dead letters, so they never hold back the others. {@code false}
     * when the database is unreachable (then nothing of the batch counts as stored; retried later, and what
     * was stored meanwhile is skipped).
     */
    private boolean store(List<UsageRecord> records) {
        SQLException refused = insert(records);
        if (refused == null) {
            return true;
        }
        if (!StoreErrors.refusesContent(refused)) {
            unreachable(refused);
            return false;
        }
        if (records.size() == 1) {
            return deadLetter(records.get(0), refused);
        }
        int half = records.size() / 2;
        return store(records.subList(0, half)) && store(records.subList(half, records.size()));
    }

    /** One try, and one more at once (two replicas may have raced on a rollup row); the error, or null. */
    private SQLException insert(List<UsageRecord> records) {
        SQLException last = null;
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                long t0 = System.nanoTime();
                written.addAndGet(store.insert(records));
                storeNanos.add(System.nanoTime() - t0);
                batches.increment();
                reachable();
                return null;
            } catch (SQLException e) {
                last = e;
            } catch (RuntimeException e) {
                last = new SQLException("usage store failed", "08000", e); // counted as unreachable: retried
            }
        }
        return last;
    }

    /** Sets a record aside in the dead-letter table, or the dead-letter file when the table refuses it too. */
    private boolean deadLetter(UsageRecord r, SQLException why) {
        try {
            if (store.deadLetter(r, why)) {
                deadLettered.increment();
                log.error(
                        "usage record {} of tenant {} refused by the database ({}: {}); set aside in "
                                + "usage_dead_letter",
                        r.requestId(),
                        r.tenant(),
                        why.getSQLState(),
                        why.getMessage());
            }
            reachable();
            return true;
        } catch (SQLException e) {
            if (!StoreErrors.refusesContent(e)) {
                unreachable(e);
                return false;
            }
            log.error(
                    "usage record {} refused by the database and by usage_dead_letter ({}); set aside in {}",
                    r.requestId(),
                    e.getMessage(),
                    deadLetterFile.file());
        }
        try {
            deadLetterFile.append(r, why);
            deadLettered.increment();
            return true;
        } catch (IOException e) {
            log.error("cannot write the dead-letter file {}; the record stays in the spool", deadLetterFile.file(), e);
            unreachable(why);
            return false;
        }
    }

    private void reachable() {
        if (!healthy) {
            log.info("usage store reachable again; storing spooled batches");
        }
        healthy = true;
    }

    private void unreachable(Exception e) {
        if (healthy) {
            log.warn("usage store unreachable ({}); batches wait in the spool", e.toString());
        }
        healthy = false;
        nextRetryNanos = System.nanoTime() + settings.retryInterval().toNanos();
    }

    /** Deletes spool segments whose records are all stored, once the store has them on disk. */
    private void release() {
        if (!spool.anyDeletable()) {
            return;
        }
        try {
            store.sync();
            syncFailing = false;
            spool.deleteStored();
        } catch (SQLException e) {
            if (!syncFailing) {
                log.warn(
                        "usage store could not force its data to disk ({}); spool segments kept until it can",
                        e.toString());
            }
            syncFailing = true;
        } catch (IOException e) {
            log.warn("cannot remove stored spool segments (replay will skip their records)", e);
        }
    }

    private void settle(List<UsageRecord> records) {
        for (UsageRecord r : records) {
            LongAdder a = pendingCost.get(r.tenant());
            if (a != null) {
                a.add(-r.costMicros());
            }
        }
        unstored.addAndGet(-records.size());
    }

    /** Stops after the queue is drained to the spool (and the spool to the database if reachable). */
    @Override
    public void close() {
        stopping = true; // the threads notice within 100 ms (no interrupt: it would close files)
        try {
            spoolThread.join(TimeUnit.SECONDS.toMillis(30));
            storeThread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!storeThread.isAlive()) {
            spool.close();
        }
    }
}

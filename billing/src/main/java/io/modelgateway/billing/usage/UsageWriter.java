package io.modelgateway.billing.usage;

import io.modelgateway.billing.usage.internal.BatchStore;
import io.modelgateway.billing.usage.internal.DeadLetterFile;
import io.modelgateway.billing.usage.internal.DeadLetters;
import io.modelgateway.billing.usage.internal.GroupCommit;
import io.modelgateway.billing.usage.internal.Spool;
import io.modelgateway.billing.usage.internal.StoreErrors;
import io.modelgateway.billing.usage.internal.Unstored;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Writes usage records off the request path, in two steps: the spool side
 * ({@link GroupCommit}) and the store side ({@link BatchStore}, {@link DeadLetters}); this class wires them and is
 * the API the gateway uses.
 *
 * <p><b>Spool (group commit).</b> Records queue in memory (bounded: a caller {@link #reserve reserves} a slot
 * before the call is forwarded, so a record always finds room). The spool thread takes whatever has queued
 * (waiting at most {@code commitWindow} for more), appends it as one group to the local {@link Spool}, forces
 * it to disk and only then completes the future {@link #submit} returned: the gateway holds the last bytes of
 * an answer until then, so a response the client saw complete has its record on disk even if the process is
 * killed the next moment. While one group is being forced the next one gathers, so under load one fsync
 * covers many records. Without fsync and without a commit window (the gateway's default) there is no spool
 * thread: the submitting thread appends the record itself, a write into the operating system's page cache
 * ({@link Settings#appendsInline}), and the future is complete when {@link #submit} returns.
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

        /**
         * Whether the thread that submits a record appends it to the spool itself (see {@link GroupCommit}): when
         * groups are not forced to disk and there is no commit window, an append is a write into the operating
         * system's page cache, cheaper than handing each record to the spool thread and each call back.
         */
        public boolean appendsInline() {
            return !fsync && commitWindow.isZero();
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

    private static final Duration JOIN = Duration.ofSeconds(30);

    private final Spool spool;
    private final Unstored unstored = new Unstored();
    private final DeadLetters deadLetters;
    private final BatchStore batches;
    private final GroupCommit commit;

    public UsageWriter(UsageStore store, Path spoolDir, Settings settings) {
        Objects.requireNonNull(store);
        Objects.requireNonNull(settings);
        this.spool = new Spool(spoolDir, settings.fsync());
        this.deadLetters = new DeadLetters(store, new DeadLetterFile(spoolDir.resolve(DeadLetterFile.NAME)));
        this.batches = new BatchStore(
                store,
                spool,
                deadLetters,
                unstored,
                settings.batchSize(),
                settings.flushInterval(),
                settings.retryInterval());
        this.commit = new GroupCommit(
                spool,
                settings.capacity(),
                settings.batchSize(),
                settings.commitWindow(),
                settings.appendsInline(),
                batches);
    }

    /** Starts the writer's threads; groups left in the spool by an earlier process are stored first. */
    public UsageWriter start() {
        commit.start();
        batches.start();
        return this;
    }

    /** Reserves room for one record; {@code false} when the in-memory queue is full. Never blocks. */
    public boolean reserve() {
        return commit.reserve();
    }

    /** Gives back a reserved slot that will not be used. */
    public void cancel() {
        commit.cancel();
    }

    /**
     * Queues a record into a slot reserved before. Never blocks. The future completes once the record is
     * forced to disk in the spool (also, after logging, when the spool cannot be written: then the record
     * waits in memory only).
     */
    public CompletableFuture<Void> submit(UsageRecord record) {
        unstored.add(record);
        return commit.submit(record);
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
        return unstored.cost(tenant);
    }

    /** Records stored by this writer (not counting ones already there). */
    public long written() {
        return batches.written();
    }

    /** Groups waiting in the spool (the database was unreachable, or they wait for their batch). */
    public int spooledBatches() {
        return batches.spooledGroups();
    }

    /** Records waiting in memory for the spool. */
    public int queued() {
        return commit.queued();
    }

    /** Times a spool group could not be written (its records then wait in memory only). */
    public long spoolFailures() {
        return commit.failures();
    }

    /** Records the database refused for their content, set aside as dead letters (table or file). */
    public long deadLettered() {
        return deadLetters.count();
    }

    /** Spool groups and database batches, and the time spent on them (for benchmarks). */
    public String stats() {
        return commit.stats() + ", " + batches.stats();
    }

    /** Whether the last attempt to store reached the database. */
    public boolean healthy() {
        return batches.healthy();
    }

    /** Waits until every record submitted so far is stored; {@code false} on timeout. */
    public boolean awaitStored(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (unstored.count() == 0 && batches.spooledGroups() == 0) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    /**
     * Seconds since the oldest record not yet in the database ended (0 when all are stored), as of the store
     * thread's last round (or the oldest record waiting for the spool when nothing waits for the store).
     */
    public double lagSeconds(long nowMillis) {
        long oldest = batches.oldestWaitingEndMillis();
        if (oldest == 0) {
            UsageRecord queued = commit.oldestQueued();
            oldest = queued == null ? 0 : queued.endedAt().toEpochMilli();
        }
        return oldest == 0 ? 0 : Math.max(0, nowMillis - oldest) / 1000.0;
    }

    /** Stops after the queue is drained to the spool (and the spool to the database if reachable). */
    @Override
    public void close() {
        commit.stop(); // the threads notice within 100 ms (no interrupt: it would close files)
        batches.stop();
        try {
            commit.join(JOIN);
            batches.join(JOIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!batches.alive()) {
            spool.close();
        }
    }
}

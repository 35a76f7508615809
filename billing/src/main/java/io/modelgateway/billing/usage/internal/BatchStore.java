package io.modelgateway.billing.usage.internal;

import io.modelgateway.billing.usage.UsageRecord;
import io.modelgateway.billing.usage.UsageStore;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store side of the usage writer: its thread ({@code usage-writer}) gathers spooled groups into batches (by
 * size or by {@code flushInterval}) and stores each in one transaction. While the database is unreachable the
 * groups stay in the spool and are stored in their order once it is back, tried again every
 * {@code retryInterval}; segments a previous process left are stored first, read when their turn comes. A batch
 * the database refuses for its content ({@link StoreErrors}) is split until the refused records are found, and
 * those go to the {@link DeadLetters}. A spool segment is deleted once all its groups are stored and the store
 * has {@linkplain UsageStore#sync forced} them to disk.
 */
public final class BatchStore implements GroupCommit.Spooled {

    private static final Logger log = LoggerFactory.getLogger(BatchStore.class);
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * A group in the spool ({@code segment} -1: kept in memory only), or, with {@code records} null, a whole
     * segment a previous process left, read when its turn comes.
     */
    private record Group(long segment, @Nullable List<UsageRecord> records, long spooledAtNanos) {}

    private final UsageStore store;
    private final Spool spool;
    private final DeadLetters deadLetters;
    private final Unstored unstored;
    private final int batchSize;
    private final long flushNanos;
    private final long retryNanos;
    private final LinkedBlockingQueue<Group> arrivals = new LinkedBlockingQueue<>();
    /** Records in {@link #arrivals}, so that {@link #spooled} can tell when they fill a batch. */
    private final AtomicInteger arrivedRecords = new AtomicInteger();
    /** Records waiting to be stored, as the store thread counted them before it parked. */
    private volatile int waitingRecords;

    private final ArrayDeque<Group> waiting = new ArrayDeque<>(); // the store thread only (and the constructor)
    private final AtomicInteger spooledGroups = new AtomicInteger();
    private final AtomicLong written = new AtomicLong();
    private final LongAdder batches = new LongAdder();
    private final LongAdder storeNanos = new LongAdder();
    private final Thread thread;
    private volatile boolean healthy = true;
    private volatile boolean stopping;
    private volatile boolean spoolEnded;
    private volatile long oldestWaitingEndMillis; // 0 when nothing waits
    private long nextRetryNanos; // the store thread only
    private boolean syncFailing; // the store thread only

    public BatchStore(
            UsageStore store,
            Spool spool,
            DeadLetters deadLetters,
            Unstored unstored,
            int batchSize,
            Duration flushInterval,
            Duration retryInterval) {
        this.store = store;
        this.spool = spool;
        this.deadLetters = deadLetters;
        this.unstored = unstored;
        this.batchSize = batchSize;
        this.flushNanos = flushInterval.toNanos();
        this.retryNanos = retryInterval.toNanos();
        for (long segment : spool.previous()) {
            waiting.add(new Group(segment, null, 0));
        }
        spooledGroups.set(waiting.size());
        this.thread = new Thread(this::run, "usage-writer");
        this.thread.setDaemon(true);
    }

    public void start() {
        if (!waiting.isEmpty()) {
            log.info("usage spool holds {} segments from before; storing them first", waiting.size());
        }
        thread.start();
    }

    /**
     * Hands a spooled group to the store thread. The queue wakes that thread only when it waits for a first group;
     * while a batch gathers, it sleeps until the batch's deadline and is woken here only when the records that
     * arrived fill a batch (one wake-up per batch, not per group: about 5% of the gateway's CPU at 1,000 calls/s).
     */
    @Override
    public void spooled(long segment, List<UsageRecord> records) {
        spooledGroups.incrementAndGet();
        arrivals.add(new Group(segment, records, System.nanoTime()));
        if (arrivedRecords.addAndGet(records.size()) + waitingRecords >= batchSize) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public void ended() {
        spoolEnded = true;
        LockSupport.unpark(thread);
    }

    /** Groups waiting to be stored (counting a previous process's segment not read yet as one). */
    public int spooledGroups() {
        return spooledGroups.get();
    }

    /** Records stored by this process (not counting ones the database had already). */
    public long written() {
        return written.get();
    }

    /** Whether the last attempt to store reached the database. */
    public boolean healthy() {
        return healthy;
    }

    /** The end time of the oldest record waiting to be stored, as of the thread's last round; 0 when none. */
    public long oldestWaitingEndMillis() {
        return oldestWaitingEndMillis;
    }

    /** Batches stored and the time spent (for benchmarks). */
    public String stats() {
        return String.format("%d database batches, store %d ms", batches.sum(), storeNanos.sum() / 1_000_000);
    }

    /** Stores what is spooled once the spool side has {@linkplain #ended}, then ends (no interrupt). */
    public void stop() {
        stopping = true;
        LockSupport.unpark(thread);
    }

    public void join(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
    }

    public boolean alive() {
        return thread.isAlive();
    }

    private void run() {
        while (!(spoolEnded && arrivals.isEmpty())) {
            try {
                Group g = nextArrival();
                if (g != null) {
                    take(g);
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
                oldestWaitingEndMillis = oldestWaitingEnd();
            }
        }
        while (!waiting.isEmpty() && storeBatch()) {
            // a last try; what stays in the spool is stored on the next start
        }
        spool.close(); // seals the segment being written, so a stored one can go
        release();
    }

    /**
     * The next group spooled, or null when it is time to look at the batch: while one gathers (healthy, not
     * stopping, short of a batch) the thread parks until its deadline, or until {@link #spooled} sees a full batch.
     */
    private @Nullable Group nextArrival() throws InterruptedException {
        long wait = waitNanos();
        if (wait > 0 && gathering()) {
            LockSupport.parkNanos(this, wait);
            waitingRecords = 0; // awake: the next gathering() publishes the count again before parking
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            return arrivals.poll();
        }
        return arrivals.poll(wait, TimeUnit.NANOSECONDS);
    }

    /**
     * Whether a batch is gathering: healthy, not stopping, some records waiting and fewer than a batch with those
     * that arrived since. The count of waiting records is published before the arrived ones are read, and
     * {@link #spooled} reads it after adding to them, so a group that fills the batch is seen by one of the two.
     */
    private boolean gathering() {
        if (!healthy || stopping || spoolEnded || waiting.isEmpty()) {
            return false;
        }
        int records = recordsWaiting();
        waitingRecords = records;
        return records + arrivedRecords.get() < batchSize;
    }

    /** Moves this group and every other one that arrived to the waiting ones. */
    private void take(Group first) {
        int moved = 0;
        for (Group g = first; g != null; g = arrivals.poll()) {
            waiting.add(g);
            List<UsageRecord> records = g.records();
            moved += records == null ? 0 : records.size();
        }
        arrivedRecords.addAndGet(-moved);
    }

    private long waitNanos() {
        Group head = waiting.peek();
        if (stopping || head == null) {
            return stopping ? TimeUnit.MILLISECONDS.toNanos(5) : IDLE_NANOS;
        }
        long now = System.nanoTime();
        if (!healthy) {
            return Math.max(0, nextRetryNanos - now);
        }
        if (recordsWaiting() >= batchSize) {
            return 0;
        }
        return Math.max(0, head.spooledAtNanos() + flushNanos - now);
    }

    private boolean due() {
        Group head = waiting.peek();
        if (head == null) {
            return false;
        }
        long now = System.nanoTime();
        if (!healthy) {
            return now - nextRetryNanos >= 0;
        }
        return stopping || recordsWaiting() >= batchSize || now - head.spooledAtNanos() >= flushNanos;
    }

    private int recordsWaiting() {
        int n = 0;
        for (Group g : waiting) {
            List<UsageRecord> records = g.records();
            n += records == null ? batchSize : records.size();
            if (n >= batchSize) {
                break;
            }
        }
        return n;
    }

    private long oldestWaitingEnd() {
        Group oldest = waiting.peek();
        List<UsageRecord> records = oldest == null ? null : oldest.records();
        return records == null || records.isEmpty()
                ? 0
                : records.get(0).endedAt().toEpochMilli();
    }

    /** Stores the oldest groups (up to a batch) in one transaction; {@code false} when that failed. */
    private boolean storeBatch() {
        readPrevious();
        List<Group> taken = new ArrayList<>();
        List<UsageRecord> batch = new ArrayList<>();
        for (Group g : waiting) {
            List<UsageRecord> records = g.records();
            if (records == null || (!batch.isEmpty() && batch.size() + records.size() > batchSize)) {
                break;
            }
            taken.add(g);
            batch.addAll(records);
        }
        if (taken.isEmpty()) {
            return true;
        }
        if (!store(batch)) {
            return false;
        }
        for (Group g : taken) { // the head of the queue
            waiting.poll();
            spooledGroups.decrementAndGet();
            spool.stored(g.segment(), 1);
        }
        unstored.settle(batch);
        return true;
    }

    /** Replaces a previous process's segment at the head by the groups read from it. */
    private void readPrevious() {
        Group head = waiting.peek();
        if (head == null || head.records() != null) {
            return;
        }
        waiting.poll();
        List<Spool.Group> read;
        try {
            read = spool.replay(head.segment()).groups();
        } catch (IOException e) {
            log.error(
                    "usage spool segment {} cannot be read; left in {} for an operator",
                    head.segment(),
                    spool.dir(),
                    e);
            spooledGroups.decrementAndGet();
            return;
        }
        for (int i = read.size() - 1; i >= 0; i--) {
            Spool.Group g = read.get(i);
            unstored.addAll(g.records());
            waiting.addFirst(new Group(g.segment(), g.records(), 0));
        }
        spooledGroups.addAndGet(read.size() - 1);
    }

    /**
     * Stores a batch; records the database refuses for their content are found by splitting the batch and set
     * aside, so they never hold back the others. {@code false} when the database is unreachable (then nothing of
     * the batch counts as stored; tried again later, and what was stored meanwhile is skipped).
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
            return setAside(records.get(0), refused);
        }
        int half = records.size() / 2;
        return store(records.subList(0, half)) && store(records.subList(half, records.size()));
    }

    /** One try, and one more at once (two replicas may have raced on a rollup row); the error, or null. */
    private @Nullable SQLException insert(List<UsageRecord> records) {
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

    private boolean setAside(UsageRecord r, SQLException why) {
        try {
            deadLetters.setAside(r, why);
            reachable();
            return true;
        } catch (SQLException e) {
            unreachable(e);
        } catch (IOException e) {
            unreachable(why);
        }
        return false;
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
        nextRetryNanos = System.nanoTime() + retryNanos;
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
}

package io.modelgateway.inference.internal;

import io.modelgateway.inference.PoolConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of a pool: the timer (owned, or shared and left running) for timeouts and polls, and one
 * thread for DNS lookups, which block and must never hold up the timer.
 */
public final class PoolThreads implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PoolThreads.class);
    private static final long CLOSE_GRACE_MILLIS = 3000;

    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final ExecutorService dns;
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

    public PoolThreads(PoolConfig config, ScheduledExecutorService shared) {
        this.ownsScheduler = shared == null;
        this.scheduler = shared != null ? shared : newTimer(config.name());
        this.dns = Executors.newSingleThreadExecutor(daemon("pool-" + config.name() + "-dns"));
    }

    private static ScheduledExecutorService newTimer(String name) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemon("pool-" + name + "-timer"));
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Runs a non-blocking task every {@code period} on the timer, first at once. */
    public synchronized void every(Duration period, Runnable task) {
        tasks.add(scheduler.scheduleWithFixedDelay(guarded(task), 0, period.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** Runs a blocking DNS task every {@code period} on the DNS thread. */
    public synchronized void dnsEvery(Duration period, Runnable task) {
        Runnable hop = () -> dns.execute(guarded(task));
        tasks.add(scheduler.scheduleWithFixedDelay(
                guarded(hop), period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS));
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("pool task failed", e);
            }
        };
    }

    @Override
    public synchronized void close() {
        tasks.forEach(t -> t.cancel(false));
        dns.shutdownNow();
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
    }

    /** Waits briefly for the replicas' channels to drain, then cuts what is left. */
    public void awaitChannels(List<Replica> replicas, LongSupplier nanoTime) {
        long deadline = nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(CLOSE_GRACE_MILLIS);
        for (Replica r : replicas) {
            if (!r.awaitClosed(Math.max(0, deadline - nanoTime.getAsLong()))) {
                r.closeNow();
            }
        }
    }
}

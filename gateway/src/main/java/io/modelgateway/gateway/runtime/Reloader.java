package io.modelgateway.gateway.runtime;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * Keeps one in-memory copy of stored state fresh: reloads it every {@code interval} and, on a replica signal
 * ({@link #reloadSoon()}), once more as soon as a thread is free. Reloads run on the given scheduler (the JDBC
 * one) and one at a time, so a reload that read older data never overwrites one that read newer. A failed
 * reload is logged and counted ({@link #failures()}) and the state in force is kept; the next reload heals it.
 * A signal is never dropped: one that arrives while a reload runs queues another. A reload holds this
 * reloader's monitor: a writer whose change must not interleave with a reload synchronises on the reloader.
 * The application makes its reloaders through {@link Reloads}, which shows them to the metrics.
 */
public final class Reloader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Reloader.class);

    private final String what;
    private final Runnable reload;
    private final Duration interval;
    private final Scheduler scheduler;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicLong failures = new AtomicLong();
    private volatile @Nullable Disposable periodic;

    /**
     * @param what what is reloaded, for the log ("tenancy", "quota limits", ...)
     * @param reload reads the stored state and puts it in force; throws when it cannot
     */
    public Reloader(String what, Runnable reload, Duration interval, Scheduler scheduler) {
        this.what = what;
        this.reload = reload;
        this.interval = interval;
        this.scheduler = scheduler;
    }

    /** Reloads now, on the caller's thread; a failure is thrown (at startup it fails the start). */
    public void reload() {
        synchronized (this) {
            reload.run();
        }
    }

    /** Starts the periodic reloads, the first one {@code interval} from now. */
    public synchronized void start() {
        if (periodic == null) {
            long ms = interval.toMillis();
            periodic = scheduler.schedulePeriodically(this::reloadQuietly, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    /** Reloads as soon as a thread is free (on a replica signal: the caller may be a Redis thread). */
    public void reloadSoon() {
        if (queued.compareAndSet(false, true)) {
            try {
                scheduler.schedule(() -> {
                    queued.set(false);
                    reloadQuietly();
                });
            } catch (RuntimeException e) { // the scheduler refused it: the periodic reload heals
                queued.set(false);
                failed(e);
            }
        }
    }

    /** Reloads now; a failure is logged and counted, and the state in force kept. */
    public boolean reloadQuietly() {
        try {
            reload();
            return true;
        } catch (RuntimeException e) {
            failed(e);
            return false;
        }
    }

    /** What is reloaded ("tenancy", "quota limits", ...). */
    public String what() {
        return what;
    }

    /** Reloads that failed since the start. */
    public long failures() {
        return failures.get();
    }

    private void failed(RuntimeException e) {
        long n = failures.incrementAndGet();
        log.warn(
                "{} could not be reloaded (keeping the state in force; {} failed reloads so far): {}",
                what,
                n,
                e.toString());
    }

    @Override
    public synchronized void close() {
        Disposable p = periodic;
        if (p != null) {
            p.dispose();
            periodic = null;
        }
    }
}

package io.modelgateway.gateway.metering.accesslog;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Queues events for a writer thread of its own ({@value #THREAD_NAME}) that hands them to a target logger's
 * appenders (the root's: whatever Spring Boot configured, as they are at that moment). Unlike logback's
 * {@code AsyncAppender}, whose worker blocks in {@code take()} so that every queued event signals it, the
 * writer here polls: when it finds the queue empty it parks for {@link #PARK_NANOS} and looks again, so under
 * load a caller only puts the event on the queue, and a burst of {@link #WAKE_AT} events waiting wakes it
 * early (the caller whose event is the {@value #WAKE_AT}th since the writer last took the queue unparks it).
 * Only after {@link #IDLE_NANOS} without an event does the writer set {@link #sleeping()} and park until woken; a
 * caller that sees the flag unparks it. The flag is set before the queue is looked at once more, and a caller
 * reads it after its event is queued, so an event offered while the writer goes to sleep is always seen by one
 * of them. A thread's wake-up is not cheap on a virtual machine (about 0.1 ms of CPU on the bench's): at 10 polls
 * a second and one wake per {@value #WAKE_AT} lines, 1,000 lines a second cost the writer about 14 wake-ups.
 *
 * <p>A full queue drops the event and counts it; the caller never waits. Events are prepared for another thread
 * ({@link ILoggingEvent#prepareForDeferredProcessing()}: message, thread name, MDC; caller data is not taken).
 * {@link #stop()} lets the writer deliver what is queued, waiting up to {@link #MAX_FLUSH_MILLIS}.
 */
final class BatchingAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    static final String THREAD_NAME = "access-log-writer";

    /**
     * How long the writer parks when it finds the queue empty while recently busy: a line reaches the console at
     * most this much later (at 1 ms the writer woke about as often as lines came at 1,000 req/s, which cost as much
     * CPU as the per-line signal it replaced).
     */
    static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** How long the queue stays empty before the writer parks until a caller wakes it. */
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Events waiting that wake the writer before its poll: a queue of this many is a batch's worth. */
    static final int WAKE_AT = 256;

    /** How long {@link #stop()} waits for the queue to be delivered (as logback's {@code maxFlushTime}). */
    static final long MAX_FLUSH_MILLIS = 1_000;

    private static final int BATCH = WAKE_AT;

    private final Logger target;
    private final ArrayBlockingQueue<ILoggingEvent> queue;
    private final Counter dropped;
    private final Thread writer;
    private final long parkNanos;
    private final long idleNanos;

    /** Events queued since the writer last took the queue (appended, minus taken). */
    private final AtomicInteger waiting = new AtomicInteger();

    /** Set by the writer before it parks without a timeout; a caller that sees it unparks the writer. */
    private volatile boolean sleeping;

    private volatile boolean stopping;

    BatchingAppender(Logger target, int capacity, Counter dropped) {
        this(target, capacity, dropped, PARK_NANOS, IDLE_NANOS);
    }

    /** With other poll and idle times (tests). */
    BatchingAppender(Logger target, int capacity, Counter dropped, long parkNanos, long idleNanos) {
        this.parkNanos = parkNanos;
        this.idleNanos = idleNanos;
        this.target = target;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.dropped = dropped;
        this.writer = new Thread(this::write, THREAD_NAME);
        this.writer.setDaemon(true);
    }

    @Override
    public void start() {
        if (isStarted() || stopping) {
            return;
        }
        super.start();
        writer.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing();
        if (!queue.offer(event)) {
            dropped.increment();
            return;
        }
        if (waiting.incrementAndGet() == WAKE_AT || sleeping) {
            LockSupport.unpark(writer);
        }
    }

    /** Whether the writer has found nothing to do for a while and waits to be woken by the next event. */
    boolean sleeping() {
        return sleeping;
    }

    /** The writer thread's state (tests: parked between polls is {@code TIMED_WAITING}). */
    Thread.State writerState() {
        return writer.getState();
    }

    /** Events waiting for the writer. */
    int queued() {
        return queue.size();
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop(); // events appended from now on are refused by doAppend
        stopping = true;
        LockSupport.unpark(writer);
        try {
            writer.join(MAX_FLUSH_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            addWarn("Access log not flushed within " + MAX_FLUSH_MILLIS + " ms; about " + queue.size()
                    + " lines still queued are written later if the process lives on");
        }
    }

    private void write() {
        List<ILoggingEvent> batch = new ArrayList<>(BATCH);
        long idleSince = System.nanoTime();
        while (true) {
            int taken = queue.drainTo(batch, BATCH);
            if (taken > 0) {
                waiting.addAndGet(-taken);
                deliver(batch);
                idleSince = System.nanoTime();
            } else if (stopping) {
                return; // nothing queued, and nothing can be queued any more
            } else if (System.nanoTime() - idleSince < idleNanos) {
                LockSupport.parkNanos(this, parkNanos);
            } else {
                sleeping = true;
                if (queue.isEmpty() && !stopping) {
                    LockSupport.park(this);
                }
                sleeping = false;
                idleSince = System.nanoTime();
            }
        }
    }

    private void deliver(List<ILoggingEvent> batch) {
        for (ILoggingEvent event : batch) {
            try {
                target.callAppenders(event);
            } catch (RuntimeException e) {
                addError("Access log line not written", e);
            }
        }
        batch.clear();
    }
}

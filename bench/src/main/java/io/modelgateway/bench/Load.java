package io.modelgateway.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** The two load shapes: open loop at a fixed rate, and closed loop with a fixed number in flight. */
final class Load {

    /** After the last request of a phase, how long outstanding requests may take before they count as unfinished. */
    static final Duration DRAIN = Duration.ofSeconds(10);

    private Load() {}

    /**
     * Open loop: request {@code i} is due at {@code t0 + i / rate} and is sent then, or as soon as the
     * generator gets to it; its latency is measured from the due time (coordinated-omission-correct).
     * Requests are never skipped for being late; a request is refused (and counted as an error) only when
     * {@code maxInFlight} are already open, or when the generator falls more than a few seconds behind.
     *
     * @param firstToken measure to the first content (streams) instead of to the end of the response
     */
    static PhaseResult openLoop(
            String phase, Target target, double rate, double seconds, boolean firstToken, int maxInFlight)
            throws InterruptedException {
        PhaseResult r = new PhaseResult(phase, target.name());
        long total = Schedule.count(rate, seconds);
        Schedule schedule = new Schedule(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5), rate);
        long lastDue = schedule.intendedStart(total - 1);
        long giveUp = lastDue + Math.max(TimeUnit.SECONDS.toNanos(5), (long) (seconds * 0.25e9));
        AtomicInteger inFlight = new AtomicInteger();
        for (long i = 0; i < total; i++) {
            long intended = schedule.intendedStart(i);
            long now = System.nanoTime();
            while (now < intended) {
                LockSupport.parkNanos(intended - now);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                now = System.nanoTime();
            }
            if (now > giveUp) {
                r.errors(
                        "not sent: generator more than 5 s behind schedule",
                        total - i,
                        "the generator could not keep up with the rate");
                for (long k = i; k < total; k++) {
                    r.sent();
                }
                break;
            }
            r.sent(now - intended);
            if (inFlight.get() >= maxInFlight) {
                r.error("not sent: " + maxInFlight + " already in flight", "the system under test fell behind");
                continue;
            }
            inFlight.incrementAndGet();
            try {
                target.send(new Target.Callback() {
                    private final AtomicBoolean once = new AtomicBoolean();

                    @Override
                    public void done(long firstTokenNanos, long endNanos) {
                        if (once.compareAndSet(false, true)) {
                            inFlight.decrementAndGet();
                            r.success((firstToken ? firstTokenNanos : endNanos) - intended, true);
                        }
                    }

                    @Override
                    public void failed(String kind, String detail) {
                        if (once.compareAndSet(false, true)) {
                            inFlight.decrementAndGet();
                            r.error(kind, detail);
                        }
                    }
                });
            } catch (RuntimeException e) {
                inFlight.decrementAndGet();
                r.error("send threw " + e.getClass().getSimpleName(), e.getMessage());
            }
        }
        awaitZero(inFlight, DRAIN);
        r.close(Math.max(1, lastDue - schedule.startNanos()));
        return r;
    }

    /**
     * Closed loop: {@code concurrency} requests in flight; each completion sends the next at once until
     * {@code seconds} have passed or {@code maxRequests} were sent. Throughput counts the successes that
     * completed within the window. A failure re-sends after 1 ms (no hot error loop).
     */
    static PhaseResult closedLoop(
            String phase,
            Target target,
            int concurrency,
            double seconds,
            long maxRequests,
            ScheduledExecutorService retry)
            throws InterruptedException {
        PhaseResult r = new PhaseResult(phase, target.name());
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        AtomicLong issued = new AtomicLong();
        CountDownLatch slots = new CountDownLatch(concurrency);

        final class Slot implements Runnable {
            @Override
            public void run() {
                long now = System.nanoTime();
                if (now >= deadline || issued.incrementAndGet() > maxRequests) {
                    slots.countDown();
                    return;
                }
                r.sent();
                try {
                    target.send(new Target.Callback() {
                        private final AtomicBoolean once = new AtomicBoolean();

                        @Override
                        public void done(long firstTokenNanos, long endNanos) {
                            if (once.compareAndSet(false, true)) {
                                r.success(endNanos - now, endNanos <= deadline);
                                run();
                            }
                        }

                        @Override
                        public void failed(String kind, String detail) {
                            if (once.compareAndSet(false, true)) {
                                r.error(kind, detail);
                                retryLater();
                            }
                        }
                    });
                } catch (RuntimeException e) {
                    r.error("send threw " + e.getClass().getSimpleName(), e.getMessage());
                    retryLater();
                }
            }

            private void retryLater() {
                try {
                    retry.schedule(this, 1, TimeUnit.MILLISECONDS);
                } catch (RuntimeException e) {
                    slots.countDown();
                }
            }
        }

        for (int i = 0; i < concurrency; i++) {
            new Slot().run();
        }
        slots.await((long) (seconds * 1000) + DRAIN.toMillis(), TimeUnit.MILLISECONDS);
        r.close(deadline - start);
        return r;
    }

    private static void awaitZero(AtomicInteger inFlight, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < end) {
            Thread.sleep(2);
        }
    }
}

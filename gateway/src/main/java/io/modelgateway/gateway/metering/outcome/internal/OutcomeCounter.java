package io.modelgateway.gateway.metering.outcome.internal;

import io.modelgateway.gateway.metering.outcome.OutcomeClass;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * This replica's counts of call outcomes per minute, tenant, deployment, class and code, not yet written. A call
 * costs one map look-up (and a {@link LongAdder} increment); {@link #drain} takes what was counted since the last
 * drain. Entries are removed once drained and more than a minute old.
 */
final class OutcomeCounter {

    /** One row of the {@code call_outcome} table; {@code tenant} and {@code deployment} are '' when unknown. */
    record Key(long minute, String tenant, String deployment, OutcomeClass outcome, String code) {}

    /** A count taken from the counter. */
    record Count(Key key, long requests) {}

    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
    private final Clock clock;

    OutcomeCounter(Clock clock) {
        this.clock = clock;
    }

    void record(String tenant, String deployment, OutcomeClass outcome, String code) {
        long minute = Math.floorDiv(clock.millis(), 60_000L) * 60;
        Key key = new Key(
                minute,
                tenant == null ? "" : tenant,
                deployment == null ? "" : deployment,
                outcome,
                code == null ? "" : code);
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /** Takes every count made since the last drain. */
    List<Count> drain() {
        long current = Math.floorDiv(clock.millis(), 60_000L) * 60;
        List<Count> taken = new ArrayList<>();
        for (Iterator<Map.Entry<Key, LongAdder>> it = counts.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, LongAdder> e = it.next();
            if (e.getKey().minute() < current - 60) {
                // Over a minute past: no call is still counting into it (a call reads the clock and increments
                // at once); removed before it is read, so a count arriving later opens a new entry.
                it.remove();
            }
            long n = e.getValue().sumThenReset();
            if (n > 0) {
                taken.add(new Count(e.getKey(), n));
            }
        }
        return taken;
    }

    /** Puts counts back (a write failed): the next drain takes them again. */
    void restore(List<Count> counts) {
        for (Count c : counts) {
            this.counts.computeIfAbsent(c.key(), k -> new LongAdder()).add(c.requests());
        }
    }
}

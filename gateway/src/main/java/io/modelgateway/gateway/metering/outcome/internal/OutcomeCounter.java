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

    /** The adder of one tenant's and deployment's answered calls (OK, no code) in one minute. */
    private record Slot(long minute, LongAdder adder) {}

    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
    /**
     * Tenant, then deployment, to the adder of this minute's answered calls (an entry of {@link #counts}): most
     * calls are counted without a key object. A slot of an older minute is replaced by the first call of a new one.
     */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Slot>> answered = new ConcurrentHashMap<>();

    private final Clock clock;

    OutcomeCounter(Clock clock) {
        this.clock = clock;
    }

    void record(String tenant, String deployment, OutcomeClass outcome, String code) {
        long minute = Math.floorDiv(clock.millis(), 60_000L) * 60;
        String t = tenant == null ? "" : tenant;
        String d = deployment == null ? "" : deployment;
        if (outcome == OutcomeClass.OK && (code == null || code.isEmpty())) {
            answered(minute, t, d).increment();
            return;
        }
        Key key = new Key(minute, t, d, outcome, code == null ? "" : code);
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    private LongAdder answered(long minute, String tenant, String deployment) {
        ConcurrentHashMap<String, Slot> byDeployment = answered.get(tenant);
        if (byDeployment == null) {
            byDeployment = answered.computeIfAbsent(tenant, k -> new ConcurrentHashMap<>());
        }
        Slot slot = byDeployment.get(deployment);
        if (slot == null || slot.minute() != minute) {
            Key key = new Key(minute, tenant, deployment, OutcomeClass.OK, "");
            slot = new Slot(minute, counts.computeIfAbsent(key, k -> new LongAdder()));
            byDeployment.put(deployment, slot);
        }
        return slot.adder();
    }

    /** Takes every count made since the last drain. */
    List<Count> drain() {
        long current = Math.floorDiv(clock.millis(), 60_000L) * 60;
        List<Count> taken = new ArrayList<>();
        // Slots of minutes no call counts into any more are forgotten (their entries are removed below).
        answered.values().forEach(byDeployment -> byDeployment.values().removeIf(s -> s.minute() < current - 60));
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

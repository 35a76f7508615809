package io.modelgateway.billing.usage.internal;

import io.modelgateway.billing.usage.UsageRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Records handed to the writer (or found in the spool on start) and not stored yet: how many, and their cost per
 * tenant (what a tenant's balance in the ledger does not show yet). Thread-safe.
 */
public final class Unstored {

    private final Map<String, LongAdder> cost = new ConcurrentHashMap<>();
    private final AtomicLong count = new AtomicLong();

    public void add(UsageRecord r) {
        cost.computeIfAbsent(r.tenant(), t -> new LongAdder()).add(r.costMicros());
        count.incrementAndGet();
    }

    public void addAll(List<UsageRecord> records) {
        records.forEach(this::add);
    }

    /** The records are stored (or set aside as dead letters). */
    public void settle(List<UsageRecord> records) {
        for (UsageRecord r : records) {
            LongAdder a = cost.get(r.tenant());
            if (a != null) {
                a.add(-r.costMicros());
            }
        }
        count.addAndGet(-records.size());
    }

    public long cost(String tenant) {
        LongAdder a = cost.get(tenant);
        return a == null ? 0 : a.sum();
    }

    public long count() {
        return count.get();
    }
}

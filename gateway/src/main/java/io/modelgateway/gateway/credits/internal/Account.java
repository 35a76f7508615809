package io.modelgateway.gateway.credits.internal;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * One tenant's account in this process (the same rules as the Redis script of {@link RedisCreditAccounts}):
 * balance, open holds with deadlines, and the ids already settled (kept for {@code settledFor} so a retried
 * capture or a late hold changes nothing). Every method is atomic.
 */
final class Account {

    private final long epoch;
    private final long settledFor;
    private final Map<String, Long> holds = new HashMap<>();
    private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>();
    private final LinkedHashMap<String, Long> settled = new LinkedHashMap<>();
    private long balance;
    private long held;
    private long version;
    private long changedAt;
    private long expired;

    private record Deadline(long at, String id) implements Comparable<Deadline> {
        @Override
        public int compareTo(Deadline o) {
            return Long.compare(at, o.at);
        }
    }

    Account(long balance, long epoch, long settledFor, long now) {
        this.balance = balance;
        this.epoch = epoch;
        this.settledFor = settledFor;
        this.changedAt = now;
        this.version = 1;
    }

    synchronized CreditAccounts.Taken hold(String id, long most, long least, long deadline, long now) {
        sweep(now);
        Long current = holds.get(id);
        if (current != null) {
            return new CreditAccounts.Taken(current, epoch);
        }
        if (settled.containsKey(id)) {
            return new CreditAccounts.Taken(-1, epoch);
        }
        long taken = CreditAccounts.takeable(balance - held, most, least);
        if (taken < 0) {
            return new CreditAccounts.Taken(-1, epoch);
        }
        holds.put(id, taken);
        deadlines.add(new Deadline(deadline, id));
        held += taken;
        changed(now);
        return new CreditAccounts.Taken(taken, epoch);
    }

    synchronized void resize(String id, long amount, long now) {
        sweep(now);
        Long current = holds.get(id);
        if (current != null && amount < current) {
            holds.put(id, amount);
            held -= current - amount;
            changed(now);
        }
    }

    synchronized void capture(String id, long holdEpoch, long cost, long now) {
        sweep(now);
        if (settled.containsKey(id)) {
            return;
        }
        Long current = holds.remove(id);
        if (current != null) {
            held -= current;
            balance -= cost;
        } else if (holdEpoch == epoch || holdEpoch == CreditAccounts.ANY_EPOCH) {
            balance -= cost;
        }
        settled.put(id, now + settledFor);
        changed(now);
    }

    synchronized void post(String key, long amount, long now) {
        sweep(now);
        if (settled.containsKey(key)) {
            return;
        }
        balance += amount;
        settled.put(key, now + settledFor);
        changed(now);
    }

    synchronized CreditAccounts.Snapshot read(long now) {
        sweep(now);
        return new CreditAccounts.Snapshot(balance, held, epoch, version, changedAt);
    }

    /** Holds released by deadline so far. */
    synchronized long expired() {
        return expired;
    }

    private void sweep(long now) {
        boolean any = false;
        while (!deadlines.isEmpty() && deadlines.peek().at <= now) {
            Long amount = holds.remove(deadlines.poll().id);
            if (amount != null) {
                held -= amount;
                expired++;
                any = true;
            }
        }
        for (Iterator<Long> it = settled.values().iterator(); it.hasNext(); ) {
            if (it.next() > now) {
                break;
            }
            it.remove();
        }
        if (any) {
            changed(now);
        }
    }

    private void changed(long now) {
        version++;
        changedAt = now;
    }
}

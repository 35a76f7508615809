package io.modelgateway.gateway.credits.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Accounts in this process (the embedded default: one replica), each built once from the ledger by
 * {@code initial}. An account whose build failed is tried again at the next use.
 */
final class LocalCreditAccounts implements CreditAccounts {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Map<String, CompletableFuture<Account>> accounts = new ConcurrentHashMap<>();
    private final Function<String, CompletableFuture<Long>> initial;
    private final Clock clock;
    private final long settledFor;

    LocalCreditAccounts(Function<String, CompletableFuture<Long>> initial, Clock clock, Duration settledFor) {
        this.initial = initial;
        this.clock = clock;
        this.settledFor = settledFor.toMillis();
    }

    private CompletableFuture<Account> account(String tenant) {
        CompletableFuture<Account> a = accounts.computeIfAbsent(
                tenant,
                t -> initial.apply(t).thenApply(balance -> new Account(balance, 0, settledFor, clock.millis())));
        if (a.isCompletedExceptionally()) { // the ledger could not be read: try again next time
            accounts.remove(tenant, a);
        }
        return a;
    }

    /** The account if it is built (captures and postings need no account that does not exist yet). */
    private Account existing(String tenant) {
        CompletableFuture<Account> a = accounts.get(tenant);
        return a != null && a.isDone() && !a.isCompletedExceptionally() ? a.join() : null;
    }

    @Override
    public CompletableFuture<Taken> hold(String tenant, String id, long most, long least, Instant deadline) {
        return account(tenant).thenApply(a -> a.hold(id, most, least, deadline.toEpochMilli(), clock.millis()));
    }

    @Override
    public CompletableFuture<Void> resize(String tenant, String id, long amount) {
        Account a = existing(tenant);
        if (a != null) {
            a.resize(id, amount, clock.millis());
        }
        return DONE;
    }

    @Override
    public CompletableFuture<Void> capture(String tenant, String id, long epoch, long cost) {
        Account a = existing(tenant);
        if (a != null) {
            a.capture(id, epoch, cost, clock.millis());
            return DONE;
        }
        CompletableFuture<Account> building = accounts.get(tenant);
        if (building != null && cost == 0) { // a call abandoned while its account is built: no late hold
            return building.thenAccept(b -> b.capture(id, epoch, 0, clock.millis()))
                    .exceptionally(e -> null);
        }
        return DONE;
    }

    @Override
    public CompletableFuture<Void> post(String tenant, String key, long amount) {
        Account a = existing(tenant);
        if (a != null) {
            a.post(key, amount, clock.millis());
        }
        return DONE;
    }

    @Override
    public CompletableFuture<Snapshot> read(String tenant) {
        return account(tenant).thenApply(a -> a.read(clock.millis()));
    }

    @Override
    public CompletableFuture<Snapshot> peek(String tenant) {
        Account a = existing(tenant);
        return CompletableFuture.completedFuture(a == null ? null : a.read(clock.millis()));
    }

    @Override
    public long expiredHolds() {
        long n = 0;
        for (CompletableFuture<Account> a : accounts.values()) {
            if (a.isDone() && !a.isCompletedExceptionally()) {
                n += a.join().expired();
            }
        }
        return n;
    }

    @Override
    public void close() {
        accounts.clear();
    }
}

package io.modelgateway.gateway.billing.internal;

import io.modelgateway.billing.ledger.CreditEntry;
import io.modelgateway.billing.ledger.Ledger;
import io.modelgateway.billing.pricing.Price;
import io.modelgateway.billing.pricing.PriceBook;
import io.modelgateway.billing.pricing.PriceStore;
import io.modelgateway.billing.pricing.Tokens;
import io.modelgateway.billing.usage.UsageWriter;
import io.modelgateway.gateway.error.ApiException;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.CallResult;
import io.modelgateway.gateway.pipeline.Operation;
import io.modelgateway.gateway.pipeline.Outcome;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Compute credits on the request path: prices and accounts from memory, holds taken atomically from the
 * tenant's bucket, settled with the real cost. The ledger (through {@link #check}) reloads prices and
 * accounts, expires grants and stale holds, and compares every bucket with what the ledger says.
 */
final class Credits {

    private static final Logger log = LoggerFactory.getLogger(Credits.class);

    private final Ledger ledger;
    private final PriceStore priceStore;
    private final UsageWriter writer;
    private final Holds holds = new Holds();
    private final Scheduler jdbc;
    private final Clock clock;
    private final Duration holdTimeout;
    private final Map<String, Boolean> accounts = new ConcurrentHashMap<>();
    private final AtomicLong drift = new AtomicLong();
    private final LongAdder expiredHolds = new LongAdder();
    private volatile PriceBook prices = PriceBook.empty();
    private CreditBuckets buckets;
    private CreditMeters meters = CreditMeters.NONE;

    Credits(Ledger ledger, PriceStore priceStore, UsageWriter writer, Scheduler jdbc, Clock clock,
            Duration holdTimeout) {
        this.ledger = ledger;
        this.priceStore = priceStore;
        this.writer = writer;
        this.jdbc = jdbc;
        this.clock = clock;
        this.holdTimeout = holdTimeout;
    }

    void meters(CreditMeters meters) {
        this.meters = meters;
    }

    void use(Function<Function<String, CompletableFuture<Long>>, CreditBuckets> factory) {
        this.buckets = factory.apply(this::initialAvailable);
    }

    /** What a missing bucket starts with: the ledger's balance less unstored usage and this replica's holds. */
    CompletableFuture<Long> initialAvailable(String tenant) {
        return Mono.fromCallable(() -> {
            long available = ledger.balance(tenant).balance() - writer.pendingCost(tenant) - holds.total(tenant);
            log.info("credit bucket of tenant '{}' built from the ledger: {} micro-units available", tenant, available);
            return available;
        }).subscribeOn(jdbc).toFuture();
    }

    Optional<Price> price(Call call) {
        return prices.at(call.deployment().name(), call.startedAt());
    }

    PriceBook prices() {
        return prices;
    }

    /** Whether the tenant has a credit account (from memory after the first look-up). */
    Mono<Boolean> hasAccount(String tenant) {
        Boolean known = accounts.get(tenant);
        if (known != null) {
            return Mono.just(known);
        }
        return Mono.fromCallable(() -> ledger.balance(tenant).account()).subscribeOn(jdbc)
                .doOnNext(has -> accounts.put(tenant, has));
    }

    /**
     * Holds the most the call can cost; lowers its {@code max_tokens} to what the tenant can afford when the
     * balance cannot cover that; refuses with 429 {@code insufficient_quota} when not even one output token
     * (for embeddings: the input) fits.
     */
    Mono<Hold> hold(Call call, Price price) {
        String tenant = call.tenant();
        int prompt = call.promptTokens();
        long most = price.cost(Tokens.of(prompt, call.outputBudget())); // max_tokens × n (or best_of)
        long least = price.cost(Tokens.of(prompt, call.operation() == Operation.EMBEDDINGS ? 0 : call.choices()));
        return Mono.fromFuture(() -> buckets.takeUpTo(tenant, most)).flatMap(taken -> {
            if (taken < least) {
                if (taken > 0) {
                    buckets.give(tenant, taken);
                }
                meters.hold(tenant, CreditMeters.HoldResult.REFUSED);
                return Mono.error(ApiException.insufficientQuota());
            }
            long held = taken;
            meters.hold(tenant, taken < most ? CreditMeters.HoldResult.LOWERED : CreditMeters.HoldResult.HELD);
            if (taken < most) {
                long output = price.affordableOutput(prompt, taken) / call.choices();
                call.limitMaxTokens((int) Math.max(1, Math.min(output, Integer.MAX_VALUE)));
                held = price.cost(Tokens.of(prompt, call.outputBudget()));
                if (taken > held) {
                    buckets.give(tenant, taken - held);
                }
            }
            return Mono.just(holds.open(tenant, call.requestId(), held, clock.instant().plus(holdTimeout)));
        });
    }

    /** The real cost of a call that ended: nothing for a call that failed before any answer. */
    static long cost(Price price, CallResult result) {
        if (price == null || result.outcome() == Outcome.FAILED || result.outcome() == Outcome.REFUSED) {
            return 0;
        }
        return price.cost(Tokens.of(result.usage().promptTokens(), result.usage().completionTokens()));
    }

    /** Captures the real cost and releases the rest (or charges it, when the hold had expired). */
    void settle(Hold hold, long cost) {
        meters.captured(hold.tenant, cost);
        if (holds.close(hold)) {
            long rest = hold.amount - cost;
            if (rest > 0) {
                buckets.give(hold.tenant, rest);
            } else if (rest < 0) {
                buckets.charge(hold.tenant, -rest);
            }
        } else if (cost > 0) {
            buckets.charge(hold.tenant, cost);
        }
    }

    /** Charges a cost that no hold covered (a blocked prompt the policy bills), for tenants with an account. */
    void chargeUnheld(String tenant, long cost) {
        if (cost > 0 && Boolean.TRUE.equals(accounts.get(tenant))) {
            buckets.charge(tenant, cost);
            meters.captured(tenant, cost);
        }
    }

    /** Makes sure the tenant's bucket exists before a ledger entry is posted (so it is not counted twice). */
    CompletableFuture<Long> prepare(String tenant) {
        return buckets.available(tenant);
    }

    /** A new credit entry reaches the tenant's bucket. */
    void posted(CreditEntry e) {
        accounts.put(e.tenant(), true);
        if (e.amountMicros() > 0) {
            buckets.give(e.tenant(), e.amountMicros());
        } else if (e.amountMicros() < 0) {
            buckets.charge(e.tenant(), -e.amountMicros());
        }
    }

    CompletableFuture<Long> available(String tenant) {
        return buckets.available(tenant);
    }

    Holds holdsForTest() {
        return holds;
    }

    void charge(String tenant, long amount) {
        buckets.charge(tenant, amount).join();
    }

    long held(String tenant) {
        return holds.total(tenant);
    }

    void reloadPrices() throws SQLException {
        prices = priceStore.load();
    }

    /** Periodic work, on the JDBC scheduler: never on the event loop. */
    void check() {
        try {
            reloadPrices();
            Set<String> known = new HashSet<>(ledger.accounts());
            accounts.replaceAll((t, has) -> known.contains(t));
            known.forEach(t -> accounts.put(t, true));
            for (CreditEntry expiry : ledger.expireDue(clock.instant())) {
                log.info("grant {} of tenant '{}' expired: {} micro-units taken back", expiry.refersTo(),
                        expiry.tenant(), -expiry.amountMicros());
                posted(expiry);
            }
            expireHolds();
            measureDrift(known);
        } catch (SQLException | RuntimeException e) {
            log.warn("credit check failed: {}", e.toString());
        }
    }

    void expireHolds() {
        for (Hold h : holds.expire(clock.instant())) {
            expiredHolds.increment();
            log.warn("credit hold of request {} (tenant '{}', {} micro-units) outlived its request; released",
                    h.requestId, h.tenant, h.amount);
            buckets.give(h.tenant, h.amount);
        }
    }

    private void measureDrift(Set<String> tenants) throws SQLException {
        long total = 0;
        for (String tenant : tenants) {
            long expected = ledger.balance(tenant).balance() - writer.pendingCost(tenant) - holds.total(tenant);
            long actual = buckets.available(tenant).join();
            meters.balance(tenant, actual);
            long d = actual - Math.max(0, expected);
            if (d != 0) {
                log.warn("credit drift for tenant '{}': bucket {} vs ledger {} ({} micro-units)", tenant, actual,
                        expected, d);
            }
            total += Math.abs(d);
        }
        drift.set(total);
    }

    long drift() {
        return drift.get();
    }

    long expiredHolds() {
        return expiredHolds.sum();
    }

    int openHolds() {
        return holds.size();
    }

    List<String> knownAccounts() {
        return accounts.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
    }

    void close() {
        if (buckets != null) {
            buckets.close();
        }
    }
}

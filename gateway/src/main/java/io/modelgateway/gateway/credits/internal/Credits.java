package io.modelgateway.gateway.credits.internal;

import io.modelgateway.billing.ledger.CreditEntry;
import io.modelgateway.billing.ledger.Ledger;
import io.modelgateway.billing.pricing.Price;
import io.modelgateway.billing.pricing.PriceBook;
import io.modelgateway.billing.pricing.PriceStore;
import io.modelgateway.billing.pricing.Tokens;
import io.modelgateway.billing.usage.UsageWriter;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.CallResult;
import io.modelgateway.gateway.pipeline.Operation;
import io.modelgateway.gateway.pipeline.Outcome;
import io.modelgateway.gateway.pipeline.Quote;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Compute credits on the request path: prices and accounts from memory, holds taken atomically from the
 * tenant's account ({@link CreditAccounts}), captured with the real cost. The ledger (through {@link #check})
 * reloads prices and accounts, expires grants and compares every account with what the ledger says.
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
    private final Map<String, Long> drifts = new ConcurrentHashMap<>();
    private final AtomicLong drift = new AtomicLong();
    private final AtomicLong checks = new AtomicLong();
    private volatile Duration settle = Duration.ofSeconds(2);
    private volatile PriceBook prices = PriceBook.empty();
    private CreditAccounts creditAccounts;
    private CreditMeters meters = CreditMeters.NONE;

    Credits(
            Ledger ledger,
            PriceStore priceStore,
            UsageWriter writer,
            Scheduler jdbc,
            Clock clock,
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

    /** Builds the accounts; they build a missing account with {@link #initialBalance}. */
    void use(Function<Function<String, CompletableFuture<Long>>, CreditAccounts> factory) {
        this.creditAccounts = factory.apply(this::initialBalance);
    }

    /** How long an account must be quiet before the drift check compares it with the ledger. */
    void settle(Duration settle) {
        this.settle = settle;
    }

    CreditAccounts accounts() {
        return creditAccounts;
    }

    /** What a missing account starts with: the ledger's balance less the usage this replica has not stored yet. */
    CompletableFuture<Long> initialBalance(String tenant) {
        return Mono.fromCallable(() -> ledger.balance(tenant).balance() - writer.pendingCost(tenant))
                .subscribeOn(jdbc)
                .toFuture();
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
        return Mono.fromCallable(() -> ledger.balance(tenant).account())
                .subscribeOn(jdbc)
                .doOnNext(has -> accounts.put(tenant, has));
    }

    /**
     * Holds the most the call can cost; lowers its {@code max_tokens} to what the tenant can afford when the
     * balance cannot cover that; refuses with 429 {@code insufficient_quota} when not even one output token
     * (for embeddings: the input) fits, and with 503 {@code billing_unavailable} when the account cannot be
     * reached. A call that costs nothing at most holds nothing and always passes. A call abandoned while its
     * hold is being taken releases it.
     */
    Mono<Hold> hold(Call call, Price price) {
        String tenant = call.tenant();
        String id = call.requestId();
        Budget budget = Budget.of(call, price);
        Instant deadline = clock.instant().plus(holdTimeout);
        return Mono.fromFuture(() -> creditAccounts.hold(tenant, id, budget.most(), budget.least(), deadline), true)
                .onErrorMap(e -> !(e instanceof ApiException), e -> ApiException.billingUnavailable())
                .flatMap(taken -> {
                    if (taken.refused()) {
                        meters.hold(tenant, CreditMeters.HoldResult.REFUSED);
                        return Mono.error(ApiException.insufficientQuota());
                    }
                    meters.hold(
                            tenant,
                            taken.amount() < budget.most()
                                    ? CreditMeters.HoldResult.LOWERED
                                    : CreditMeters.HoldResult.HELD);
                    long held = budget.fit(call, taken.amount());
                    if (held < taken.amount()) {
                        creditAccounts.resize(tenant, id, held);
                    }
                    Hold h = new Hold(tenant, id, held, taken.epoch(), deadline);
                    holds.add(h);
                    return Mono.just(h);
                })
                .doOnCancel(() -> creditAccounts.capture(tenant, id, CreditAccounts.ANY_EPOCH, 0));
    }

    /**
     * What {@link #hold} would take now, taking nothing: the same budget, the account's rule for what can be
     * held ({@link CreditAccounts#takeable}) on the tenant's available balance, and the same lowering of
     * {@code max_tokens} (applied to the quoted call, which is thrown away). Refuses like {@link #hold}.
     */
    Mono<Void> quote(Call call, Price price, Quote quote) {
        Budget budget = Budget.of(call, price);
        return Mono.fromFuture(() -> available(call.tenant()), true)
                .onErrorMap(e -> !(e instanceof ApiException), e -> ApiException.billingUnavailable())
                .doOnNext(available -> {
                    long taken = CreditAccounts.takeable(available, budget.most(), budget.least());
                    if (taken < 0) {
                        quote.refuse(new Quote.Refusal("credits", "tenant", ApiException.insufficientQuota(), null));
                        quote.cost(new Quote.Cost(price, budget.most(), available, null));
                        return;
                    }
                    long held = budget.fit(call, taken);
                    quote.cost(new Quote.Cost(price, held, available, call.maxTokens()));
                })
                .then();
    }

    /**
     * A call's hold before the balance is known: the most it can cost ({@code max_tokens × n}, or
     * {@code best_of}) and the least worth holding (one output token per choice; embeddings: their input).
     */
    record Budget(int prompt, long most, long least, Price price) {

        static Budget of(Call call, Price price) {
            int prompt = call.promptTokens();
            long most = price.cost(Tokens.of(prompt, call.outputBudget()));
            long least = Math.min(
                    most, price.cost(Tokens.of(prompt, call.operation() == Operation.EMBEDDINGS ? 0 : call.choices())));
            return new Budget(prompt, most, least, price);
        }

        /**
         * The hold when {@code taken} (at least {@link #least}) could be held: all of it when it covers the most
         * cost; else {@code max_tokens} is lowered to what {@code taken} affords and the hold to what that costs.
         */
        long fit(Call call, long taken) {
            if (taken >= most) {
                return taken;
            }
            long output = price.affordableOutput(prompt, taken) / call.choices();
            call.limitMaxTokens((int) Math.max(1, Math.min(output, Integer.MAX_VALUE)));
            return Math.min(taken, price.cost(Tokens.of(prompt, call.outputBudget())));
        }
    }

    /** The real cost of a call that ended: nothing for a call that failed before any answer. */
    static long cost(Price price, CallResult result) {
        if (price == null || result.outcome() == Outcome.FAILED || result.outcome() == Outcome.REFUSED) {
            return 0;
        }
        return price.cost(
                Tokens.of(result.usage().promptTokens(), result.usage().completionTokens()));
    }

    /**
     * Captures the real cost and releases the rest, once (when the hold expired meanwhile, the cost is
     * debited all the same). The account applies it, retrying while it cannot be reached.
     */
    void settle(Hold hold, long cost) {
        if (holds.close(hold)) {
            meters.captured(hold.tenant, cost);
            creditAccounts.capture(hold.tenant, hold.requestId, hold.epoch, cost);
        }
    }

    /** Charges a cost that no hold covered (a blocked prompt the policy bills), for tenants with an account. */
    void chargeUnheld(String tenant, String requestId, long cost) {
        if (cost > 0 && Boolean.TRUE.equals(accounts.get(tenant))) {
            creditAccounts.capture(tenant, "unheld:" + requestId, CreditAccounts.ANY_EPOCH, cost);
            meters.captured(tenant, cost);
        }
    }

    /**
     * Makes sure the tenant's account exists before a ledger entry is posted (so an account built from the
     * ledger later does not count it twice). Never fails: when the account cannot be reached, the entry is
     * applied once it can (or is in the ledger an account is built from).
     */
    CompletableFuture<Long> prepare(String tenant) {
        return creditAccounts.read(tenant).handle((s, e) -> s == null ? null : s.available());
    }

    /** A new credit entry reaches the tenant's account (once, however often this is called). */
    CompletableFuture<Void> posted(CreditEntry e) {
        accounts.put(e.tenant(), true);
        return creditAccounts.post(e.tenant(), "entry:" + e.id(), e.amountMicros());
    }

    /** The tenant's account now (503 {@code billing_unavailable} when it cannot be reached). */
    CompletableFuture<CreditAccounts.Snapshot> account(String tenant) {
        return creditAccounts.read(tenant).exceptionallyCompose(e -> {
            log.warn("credit account of tenant '{}' could not be read: {}", tenant, e.toString());
            return CompletableFuture.failedFuture(ApiException.billingUnavailable());
        });
    }

    CompletableFuture<Long> available(String tenant) {
        return account(tenant).thenApply(CreditAccounts.Snapshot::available);
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
                log.info(
                        "grant {} of tenant '{}' expired: {} micro-units taken back",
                        expiry.refersTo(),
                        expiry.tenant(),
                        -expiry.amountMicros());
                posted(expiry);
            }
            holds.forgetExpired(clock.instant());
            measureDrift(known);
        } catch (SQLException | RuntimeException e) {
            log.warn("credit check failed: {}", e.toString());
        } finally {
            checks.incrementAndGet();
        }
    }

    /**
     * Compares each account that has been quiet for the settle time (no hold, capture or posting on any
     * replica, so every replica's usage of it has had time to reach the ledger) with the ledger:
     * {@code balance = ledger balance - usage this replica has not stored yet}. An account that changed
     * meanwhile is compared at a later check; its last difference stands until then.
     */
    private void measureDrift(Set<String> tenants) throws SQLException {
        for (String tenant : tenants) {
            CreditAccounts.Snapshot before = creditAccounts.peek(tenant).join();
            if (before == null) {
                drifts.remove(tenant);
                continue;
            }
            meters.balance(tenant, before.available());
            if (clock.millis() - before.changedAt() < settle.toMillis()) {
                continue;
            }
            long expected = ledger.balance(tenant).balance() - writer.pendingCost(tenant);
            CreditAccounts.Snapshot after = creditAccounts.peek(tenant).join();
            if (after == null || after.version() != before.version()) {
                continue;
            }
            long d = after.balance() - expected;
            if (d != 0) {
                log.warn(
                        "credit drift for tenant '{}': account balance {} vs ledger {} ({} micro-units)",
                        tenant,
                        after.balance(),
                        expected,
                        d);
            }
            drifts.put(tenant, Math.abs(d));
        }
        drifts.keySet().retainAll(tenants);
        drift.set(drifts.values().stream().mapToLong(Long::longValue).sum());
    }

    long drift() {
        return drift.get();
    }

    /** How many periodic checks ran (tests wait for one). */
    long checks() {
        return checks.get();
    }

    long expiredHolds() {
        return creditAccounts.expiredHolds();
    }

    int openHolds() {
        return holds.size();
    }

    void close() {
        if (creditAccounts != null) {
            creditAccounts.close();
        }
    }
}

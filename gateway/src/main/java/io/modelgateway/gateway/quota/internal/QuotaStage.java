package io.modelgateway.gateway.quota.internal;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.metering.MetricNames;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.CallResult;
import io.modelgateway.gateway.pipeline.CallStage;
import io.modelgateway.gateway.pipeline.Operation;
import io.modelgateway.gateway.pipeline.Outcome;
import io.modelgateway.gateway.pipeline.Quote;
import io.modelgateway.gateway.quota.internal.QuotaBucket.Kind;
import io.modelgateway.gateway.quota.internal.RateLimitHeaders.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import reactor.core.publisher.Mono;

/**
 * Requests and tokens per minute. At admission every bucket of the call is charged at once, all or nothing
 * (one operation of the store: with Redis one script run, at most one round trip): 1 request, and the token
 * estimate (prompt + max_tokens × n; embeddings: their input). If any bucket says no, none is charged and the
 * call gets a 429 with the true wait. When the call ends, the token charge is corrected to the real usage; a
 * call refused by a later stage gives back all (with Redis these corrections are batched with other calls').
 */
@Order(QuotaStage.ORDER)
final class QuotaStage implements CallStage {

    static final int ORDER = io.modelgateway.gateway.pipeline.StageOrder.QUOTA;
    private static final Logger log = LoggerFactory.getLogger(QuotaStage.class);
    private static final Call.Slot<Admission> ADMISSION = Call.Slot.of("quota.admission");

    private final LimitBook book;
    private final Buckets buckets;
    private final MeterRegistry metrics;

    QuotaStage(LimitBook book, Buckets buckets, MeterRegistry metrics) {
        this.book = book;
        this.buckets = buckets;
        this.metrics = metrics;
    }

    /** What one admitted call was charged, kept in the call until it ends. */
    private record Admission(BucketStore store, List<Charge> charges, long estimate) {}

    private record Charge(QuotaBucket meter, long tokens, ConsumptionProbe probe) {

        /** What the bucket holds as the caller should see it; {@code givenBack} when the charge was undone. */
        long remaining(boolean givenBack) {
            return givenBack && probe.isConsumed()
                    ? Math.min(meter.limit(), probe.getRemainingTokens() + tokens)
                    : probe.getRemainingTokens();
        }
    }

    @Override
    public Mono<Void> admit(Call call) {
        List<QuotaBucket> meters = book.meters(
                call.tenant(), call.deployment().name(), call.caller().credential());
        if (meters.isEmpty()) {
            return Mono.empty();
        }
        return admit(call, meters, call.tokenEstimate(), true);
    }

    /**
     * What {@link #admit} would decide now, taking nothing: the same estimate and the same buckets, each asked
     * (Bucket4j's {@code estimateAbilityToConsume}) whether it could take its charge; a bucket that could not
     * is named with the wait {@link #admit} would tell the caller and the error it would answer.
     */
    @Override
    public Mono<Void> quote(Call call, Quote quote) {
        long estimate = call.tokenEstimate();
        quote.tokens(new Quote.Tokens(call.promptTokens(), call.maxTokens(), call.choices(), estimate));
        List<QuotaBucket> meters = book.meters(
                call.tenant(), call.deployment().name(), call.caller().credential());
        if (meters.isEmpty()) {
            return Mono.empty();
        }
        return quote(call, quote, meters, estimate, true);
    }

    private Mono<Void> quote(Call call, Quote quote, List<QuotaBucket> meters, long estimate, boolean mayFallBack) {
        return Mono.defer(() -> {
            BucketStore store = buckets.current();
            if (store == null) {
                return Mono.empty();
            }
            QuotaBucket tooSmall = tooSmall(meters, estimate);
            if (tooSmall != null) {
                quote.refuse(new Quote.Refusal(
                        tooSmall.kind().suffix, tooSmall.scope(), tooLarge(call, tooSmall, estimate), null));
                return Mono.empty();
            }
            return Mono.fromFuture(() -> peekAll(store, meters, estimate))
                    .doOnNext(charges -> {
                        Charge binding = binding(charges);
                        if (binding != null) {
                            long wait = wait(binding);
                            quote.refuse(new Quote.Refusal(
                                    binding.meter().kind().suffix,
                                    binding.meter().scope(),
                                    rateLimited(call, store, binding, wait),
                                    java.time.Duration.ofNanos(wait)));
                        }
                    })
                    .then()
                    .onErrorResume(e -> !(e instanceof ApiException) && mayFallBack, e -> {
                        buckets.down(store, e);
                        return quote(call, quote, meters, estimate, false);
                    });
        });
    }

    /** Each meter's charge as {@link #consumeAll} would take it, only estimated. */
    private static CompletableFuture<List<Charge>> peekAll(BucketStore store, List<QuotaBucket> meters, long estimate) {
        long[] tokens = charges(meters, estimate);
        return store.peekAll(meters, tokens).thenApply(probes -> {
            List<Charge> charges = new ArrayList<>(meters.size());
            for (int i = 0; i < meters.size(); i++) {
                EstimationProbe p = probes.get(i);
                charges.add(new Charge(
                        meters.get(i),
                        tokens[i],
                        p.canBeConsumed()
                                ? ConsumptionProbe.consumed(p.getRemainingTokens() - tokens[i], 0)
                                : ConsumptionProbe.rejected(
                                        p.getRemainingTokens(),
                                        p.getNanosToWaitForRefill(),
                                        p.getNanosToWaitForRefill())));
            }
            return charges;
        });
    }

    private static long[] charges(List<QuotaBucket> meters, long estimate) {
        long[] tokens = new long[meters.size()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = meters.get(i).charge(estimate);
        }
        return tokens;
    }

    private Mono<Void> admit(Call call, List<QuotaBucket> meters, long estimate, boolean mayFallBack) {
        return Mono.defer(() -> {
            BucketStore store = buckets.current();
            if (store == null) {
                return Mono.empty();
            }
            QuotaBucket tooSmall = tooSmall(meters, estimate);
            if (tooSmall != null) {
                return refuseTooLarge(call, store, meters, tooSmall, estimate);
            }
            return Mono.fromFuture(() -> consumeAll(store, meters, estimate))
                    .flatMap(charges -> decide(call, store, charges, estimate))
                    .onErrorResume(e -> !(e instanceof ApiException) && mayFallBack, e -> {
                        buckets.down(store, e);
                        return admit(call, meters, estimate, false);
                    });
        });
    }

    private static @Nullable QuotaBucket tooSmall(List<QuotaBucket> meters, long estimate) {
        return meters.stream()
                .filter(m -> m.kind() == Kind.TOKENS && estimate > m.limit())
                .findFirst()
                .orElse(null);
    }

    /** Every bucket's charge, all or nothing (one store operation). */
    private static CompletableFuture<List<Charge>> consumeAll(
            BucketStore store, List<QuotaBucket> meters, long estimate) {
        long[] tokens = charges(meters, estimate);
        return store.tryConsumeAll(meters, tokens).thenApply(probes -> {
            List<Charge> charges = new ArrayList<>(meters.size());
            for (int i = 0; i < meters.size(); i++) {
                charges.add(new Charge(meters.get(i), tokens[i], probes.get(i)));
            }
            return charges;
        });
    }

    private Mono<Void> decide(Call call, BucketStore store, List<Charge> charges, long estimate) {
        if (charges.stream().allMatch(c -> c.probe().isConsumed())) {
            call.put(ADMISSION, new Admission(store, charges, estimate));
            headers(call, store, charges, false);
            return Mono.empty();
        }
        // the store took nothing (all or nothing); "consumed" probes say what would have been left
        headers(call, store, charges, true);
        Charge binding = Objects.requireNonNull(binding(charges), "a bucket refused"); // not all consumed
        long wait = wait(binding);
        RateLimitHeaders.retryAfter(call.responseHeaders(), wait);
        count(call, binding.meter().kind() == Kind.REQUESTS ? "requests" : "tokens");
        return Mono.error(rateLimited(call, store, binding, wait));
    }

    /** The refusing bucket the caller waits longest for; {@code null} when every bucket took its charge. */
    private static @Nullable Charge binding(List<Charge> charges) {
        return charges.stream()
                .filter(c -> !c.probe().isConsumed())
                .max((a, b) -> Long.compare(
                        a.probe().getNanosToWaitForRefill(), b.probe().getNanosToWaitForRefill()))
                .orElse(null);
    }

    /** How long the caller is told to wait for a refusing bucket (at most one period). */
    private static long wait(Charge binding) {
        return Math.min(binding.probe().getNanosToWaitForRefill(), QuotaBucket.PERIOD.toNanos());
    }

    private static ApiException rateLimited(Call call, BucketStore store, Charge c, long waitNanos) {
        boolean requests = c.meter().kind() == Kind.REQUESTS;
        return ApiException.rateLimited(
                requests ? "requests" : "tokens",
                "Rate limit reached for deployment `" + call.deployment().name() + "` on "
                        + (requests ? "requests per min (RPM)" : "tokens per min (TPM)")
                        + ": Limit " + store.limit(c.meter()) + ", Remaining " + Math.max(0, c.remaining(true))
                        + ", Requested " + c.tokens() + ". Please try again in "
                        + RateLimitHeaders.format(waitNanos) + ".");
    }

    private Mono<Void> refuseTooLarge(
            Call call, BucketStore store, List<QuotaBucket> meters, QuotaBucket meter, long estimate) {
        count(call, "too_large");
        ApiException error = tooLarge(call, meter, estimate);
        long[] ones = new long[meters.size()];
        java.util.Arrays.fill(ones, 1);
        return Mono.fromFuture(() -> store.peekAll(meters, ones))
                .doOnNext(probes -> {
                    List<Charge> peeks = new ArrayList<>(meters.size());
                    for (int i = 0; i < meters.size(); i++) {
                        EstimationProbe p = probes.get(i);
                        peeks.add(new Charge(
                                meters.get(i),
                                0,
                                ConsumptionProbe.rejected(p.getRemainingTokens(), p.getNanosToWaitForRefill(), 0)));
                    }
                    headers(call, store, peeks, true);
                })
                .onErrorResume(e -> Mono.empty())
                .then(Mono.error(error));
    }

    private static ApiException tooLarge(Call call, QuotaBucket meter, long estimate) {
        String param = call.operation() == Operation.EMBEDDINGS ? "input" : "max_tokens";
        return ApiException.tokensExceedLimit(
                param,
                "This request needs " + estimate
                        + " tokens (" + (param.equals("input") ? "its input" : "prompt + max_tokens")
                        + "), more than the whole tokens-per-minute limit of " + meter.limit() + " on deployment `"
                        + call.deployment().name() + "`; it could never be admitted. Send a shorter "
                        + (param.equals("input") ? "input." : "prompt or a lower max_tokens."));
    }

    private static void headers(Call call, BucketStore store, List<Charge> charges, boolean givenBack) {
        RateLimitHeaders.write(
                call.responseHeaders(),
                state(store, charges, Kind.REQUESTS, givenBack),
                state(store, charges, Kind.TOKENS, givenBack));
    }

    /** The bucket of {@code kind} with the least left, as the caller should see it; {@code null} if none. */
    private static @Nullable State state(BucketStore store, List<Charge> charges, Kind kind, boolean givenBack) {
        State least = null;
        for (Charge c : charges) {
            if (c.meter().kind() == kind) {
                State s = new State(store.limit(c.meter()), Math.min(store.limit(c.meter()), c.remaining(givenBack)));
                if (least == null || s.remaining() < least.remaining()) {
                    least = s;
                }
            }
        }
        return least;
    }

    @Override
    public void complete(Call call, CallResult result) {
        Admission a = call.get(ADMISSION);
        if (a == null) {
            return;
        }
        if (result.outcome() == Outcome.REFUSED) {
            a.charges().forEach(c -> giveBack(a.store(), c.meter(), c.tokens()));
            return;
        }
        long difference = result.usage().totalTokens() - a.estimate();
        for (Charge c : a.charges()) {
            if (c.meter().kind() == Kind.TOKENS && difference != 0) {
                settle(a.store(), c.meter(), difference);
            }
        }
    }

    private void settle(BucketStore store, QuotaBucket meter, long difference) {
        if (difference < 0) {
            giveBack(store, meter, -difference);
        } else {
            store.charge(meter, difference).whenComplete((v, e) -> failed(store, e));
        }
    }

    private void giveBack(BucketStore store, QuotaBucket meter, long tokens) {
        store.refund(meter, tokens).whenComplete((v, e) -> failed(store, e));
    }

    private void failed(BucketStore store, Throwable e) {
        if (e != null) {
            log.debug("quota settlement lost on '{}': {}", store.name(), e.toString());
            buckets.down(store, e);
        }
    }

    private void count(Call call, String limit) {
        metrics.counter(
                        MetricNames.QUOTA_REJECTED,
                        "deployment",
                        call.deployment().name(),
                        "limit",
                        limit)
                .increment();
    }
}

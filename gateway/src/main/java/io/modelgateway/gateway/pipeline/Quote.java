package io.modelgateway.gateway.pipeline;

import io.modelgateway.billing.pricing.Price;
import io.modelgateway.gateway.edge.error.ApiException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * What the stages would decide about a call now, gathered by {@link Pipeline#quote} without reserving,
 * recording or forwarding anything: each stage adds its part ({@link CallStage#quote}) with the same code its
 * {@link CallStage#admit} runs. Refusals are kept in stage order; the first is the one the call would get.
 */
public final class Quote {

    /**
     * A limit that would refuse the call now.
     *
     * @param limit {@code lifecycle}, {@code policy}, {@code rpm}, {@code tpm}, {@code credits}, or {@code service}
     *        (a store that cannot be reached)
     * @param scope whose limit: {@code tenant}, {@code key}, {@code deployment} (its default limits, per tenant);
     *        {@code null} when it does not apply
     * @param error the error the call would get
     * @param retryAfter how long until it would pass; {@code null} when waiting does not help
     */
    public record Refusal(
            String limit,
            @Nullable String scope,
            ApiException error,
            @Nullable Duration retryAfter) {}

    /** The token estimate as the quota stage charges it: {@code prompt + maxTokens × choices} (embeddings: prompt). */
    public record Tokens(int prompt, int maxTokens, int choices, long estimate) {}

    /**
     * The price in force and what the call's credit hold would be.
     *
     * @param maxCostMicros the hold the call would take: the most it can cost at {@code affordableMaxTokens}
     * @param availableMicros the tenant's available balance; {@code null} without a credit account
     * @param affordableMaxTokens {@code max_tokens} as the credit stage leaves it (lowered to what the balance
     *        affords); {@code null} when the balance affords nothing
     */
    public record Cost(
            Price price,
            long maxCostMicros,
            @Nullable Long availableMicros,
            @Nullable Integer affordableMaxTokens) {}

    private final List<Refusal> refusals = new CopyOnWriteArrayList<>();
    private volatile @Nullable Tokens tokens;
    private volatile @Nullable Cost cost;

    public void refuse(Refusal refusal) {
        refusals.add(refusal);
    }

    public List<Refusal> refusals() {
        return List.copyOf(refusals);
    }

    public boolean allowed() {
        return refusals.isEmpty();
    }

    public void tokens(Tokens t) {
        tokens = t;
    }

    /** {@code null} only when no stage estimated (none does without the quota stage). */
    public @Nullable Tokens tokens() {
        return tokens;
    }

    public void cost(Cost c) {
        cost = c;
    }

    /** {@code null} for a deployment without a price (free) or a caller without a tenant. */
    public @Nullable Cost cost() {
        return cost;
    }
}

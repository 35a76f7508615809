package io.modelgateway.gateway.metering.internal;

import io.modelgateway.billing.pricing.Price;
import io.modelgateway.billing.usage.UsageRecord;
import io.modelgateway.billing.usage.UsageWriter;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.metering.UsagePricing;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.CallResult;
import io.modelgateway.gateway.pipeline.CallStage;
import io.modelgateway.gateway.pipeline.Outcome;
import java.util.concurrent.CompletableFuture;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Exactly one usage record per call that reached a backend and is billed (completed, cut short — also by a
 * client that went away after the call was forwarded — or filtered), keyed by its request id, and one per prompt a
 * content rule blocked when the tenant's policy bills blocked prompts. Admission reserves room in the
 * writer's queue (a 503 when it is full, so a record is never dropped); the record is queued when the call
 * ends, never written to the database on the request path. A completed call's answer waits for {@link
 * #durable}: its record forced to the local spool (group commit), so a SIGKILL cannot lose it. Ordered before
 * the compliance stage ({@link io.modelgateway.gateway.pipeline.StageOrder}) so that it hears of blocked prompts; a call refused later gives its slot back.
 */
@Component
@Order(io.modelgateway.gateway.pipeline.StageOrder.USAGE)
public final class UsageStage implements CallStage {

    /** Set when admission reserved room in the writer's queue (given back or used when the call ends). */
    private static final Call.Slot<Boolean> RESERVED = Call.Slot.of("usage.reserved");
    /** Completes once the call's record is forced to the local spool. */
    private static final Call.Slot<CompletableFuture<Void>> SPOOLED = Call.Slot.of("usage.spooled");

    private final UsageWriter writer;
    private final UsagePricing pricing;

    /** Public for the bench module's probe; the application builds it as a component. */
    public UsageStage(UsageWriter writer, UsagePricing pricing) {
        this.writer = writer;
        this.pricing = pricing;
    }

    @Override
    public Mono<Void> admit(Call call) {
        if (call.tenant() == null) {
            return Mono.empty();
        }
        if (!writer.reserve()) {
            return Mono.error(ApiException.billingUnavailable());
        }
        call.put(RESERVED, Boolean.TRUE);
        return Mono.empty();
    }

    @Override
    public void complete(Call call, CallResult result) {
        if (call.get(RESERVED) == null) {
            return;
        }
        CompletableFuture<Void> spooled;
        if (call.forwarded() && billable(result.outcome())) {
            spooled = writer.submit(record(call, result, call.get(pricing.admittedPrice())));
        } else if (result.outcome() == Outcome.FILTERED && result.usage().totalTokens() > 0) {
            Price price = pricing.priceNow(call).orElse(null);
            UsageRecord r = record(call, result, price);
            pricing.chargeUnheld(call.tenant(), call.requestId(), r.costMicros());
            spooled = writer.submit(r);
        } else {
            writer.cancel();
            return;
        }
        call.put(SPOOLED, spooled);
    }

    /**
     * Whether a forwarded call's ending is billed and recorded: a call that failed before any answer (the
     * backend's error, a timeout before the first token) costs nothing and leaves no record, so the Usage API
     * does not count it and reconciliation has nothing to recompute.
     */
    private static boolean billable(Outcome outcome) {
        return outcome == Outcome.COMPLETED || outcome == Outcome.CUT_SHORT || outcome == Outcome.FILTERED;
    }

    /**
     * Completes once the call's record is in the local spool (group commit: one fsync per group when forced; when
     * not, complete already unless another request's thread was appending its group).
     */
    @Override
    public Mono<Void> durable(Call call) {
        CompletableFuture<Void> spooled = call.get(SPOOLED);
        return spooled == null ? Mono.empty() : CallStage.untilDone(spooled);
    }

    private UsageRecord record(Call call, CallResult result, Price price) {
        return new UsageRecord(
                call.requestId(),
                call.tenant(),
                String.valueOf(call.caller().credential()),
                call.deployment().name(),
                call.deployment().model(),
                call.operation().otelName(),
                result.usage().promptTokens(),
                0,
                result.usage().completionTokens(),
                result.usage().estimated(),
                pricing.cost(price, result),
                price == null ? 0 : price.version(),
                result.outcome().value(),
                result.status(),
                call.startedAt(),
                call.firstTokenAt(),
                result.endedAt());
    }
}

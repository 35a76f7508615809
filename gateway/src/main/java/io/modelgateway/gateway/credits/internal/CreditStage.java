package io.modelgateway.gateway.credits.internal;

import io.modelgateway.billing.pricing.Price;
import io.modelgateway.gateway.credits.CallPrice;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.CallResult;
import io.modelgateway.gateway.pipeline.CallStage;
import io.modelgateway.gateway.pipeline.Quote;
import org.springframework.core.annotation.Order;
import reactor.core.publisher.Mono;

/**
 * Credit holds: at admission the most a call can cost is held from the tenant's bucket (its
 * {@code max_tokens} lowered to what the tenant can afford); when it ends the real cost is captured and the
 * rest released. A deployment without a price is free. A tenant without a credit account is served without
 * holds, or refused when credits are required.
 */
@Order(io.modelgateway.gateway.pipeline.StageOrder.CREDITS)
public final class CreditStage implements CallStage {

    private static final Call.Slot<Hold> HOLD = Call.Slot.of("credits.hold");

    private final Credits credits;
    private final boolean creditsRequired;

    CreditStage(Credits credits, boolean creditsRequired) {
        this.credits = credits;
        this.creditsRequired = creditsRequired;
    }

    @Override
    public Mono<Void> admit(Call call) {
        String tenant = call.tenant();
        Price price = credits.price(call).orElse(null);
        if (tenant == null || price == null) {
            return Mono.empty();
        }
        call.put(CallPrice.ADMITTED, price);
        return credits.hasAccount(tenant).flatMap(account -> {
            if (!account) {
                return creditsRequired ? Mono.error(ApiException.insufficientQuota()) : Mono.empty();
            }
            return credits.hold(call, price).doOnNext(h -> call.put(HOLD, h)).then();
        });
    }

    /** What {@link #admit} would hold now ({@link Credits#quote}), holding nothing. */
    @Override
    public Mono<Void> quote(Call call, Quote quote) {
        String tenant = call.tenant();
        Price price = credits.price(call).orElse(null);
        if (tenant == null || price == null) {
            return Mono.empty();
        }
        return credits.hasAccount(tenant).flatMap(account -> {
            if (!account) {
                if (creditsRequired) {
                    quote.refuse(new Quote.Refusal("credits", "tenant", ApiException.insufficientQuota(), null));
                }
                quote.cost(new Quote.Cost(price, Credits.Budget.of(call, price).most(), null, call.maxTokens()));
                return Mono.empty();
            }
            return credits.quote(call, price, quote);
        });
    }

    @Override
    public void complete(Call call, CallResult result) {
        Hold hold = call.get(HOLD);
        if (hold != null) {
            credits.settle(hold, call.forwarded() ? Credits.cost(call.get(CallPrice.ADMITTED), result) : 0);
        }
    }
}

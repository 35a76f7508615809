package io.modelgateway.gateway.credits.internal;

import io.modelgateway.billing.pricing.Price;
import io.modelgateway.gateway.credits.CallPrice;
import io.modelgateway.gateway.metering.UsagePricing;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.CallResult;
import java.util.Optional;

/** The credits feature's prices and charges, as the usage stage (in metering) sees them. */
final class CreditPricing implements UsagePricing {

    private final Credits credits;

    CreditPricing(Credits credits) {
        this.credits = credits;
    }

    @Override
    public Call.Slot<Price> admittedPrice() {
        return CallPrice.ADMITTED;
    }

    @Override
    public Optional<Price> priceNow(Call call) {
        return credits.price(call);
    }

    @Override
    public long cost(Price price, CallResult result) {
        return Credits.cost(price, result);
    }

    @Override
    public void chargeUnheld(String tenant, String requestId, long cost) {
        credits.chargeUnheld(tenant, requestId, cost);
    }
}

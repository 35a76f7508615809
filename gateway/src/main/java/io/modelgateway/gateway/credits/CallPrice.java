package io.modelgateway.gateway.credits;

import io.modelgateway.billing.pricing.Price;
import io.modelgateway.gateway.pipeline.Call;

/**
 * The price the credit stage admitted a call at, published on the call for the stages that record what it
 * cost (the usage stage, through {@link io.modelgateway.gateway.metering.UsagePricing#admittedPrice}).
 */
public final class CallPrice {

    /**
     * Put by the credit stage at admission when the call has a tenant and its deployment a price; empty for a
     * free deployment and for a call refused before the credit stage.
     */
    public static final Call.Slot<Price> ADMITTED = Call.Slot.of("credits.admitted-price");

    private CallPrice() {}
}

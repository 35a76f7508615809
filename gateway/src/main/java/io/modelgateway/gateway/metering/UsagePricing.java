package io.modelgateway.gateway.metering;

import io.modelgateway.billing.pricing.Price;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.CallResult;
import java.util.Optional;

/**
 * What the usage stage needs from the feature that prices calls (credits implements it): the price a call
 * was admitted at, in the slot that feature publishes, and the cost of what it used. The dependency points
 * from credits to metering (credits already names its metrics in {@link MetricNames}), never back.
 */
public interface UsagePricing {

    /** The slot where the pricing stage leaves the price it admitted a call at ({@code credits.CallPrice}). */
    Call.Slot<Price> admittedPrice();

    /** The price in force for the call now (for a call refused before the pricing stage priced it). */
    Optional<Price> priceNow(Call call);

    /** What the call cost at {@code price} ({@code null}: free); nothing for a call that failed before any answer. */
    long cost(Price price, CallResult result);

    /** Charges a cost no hold covered (a blocked prompt the tenant's policy bills) to the tenant's credits. */
    void chargeUnheld(String tenant, String requestId, long cost);
}

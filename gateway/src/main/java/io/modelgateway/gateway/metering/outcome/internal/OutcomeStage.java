package io.modelgateway.gateway.metering.outcome.internal;

import io.modelgateway.gateway.metering.outcome.OutcomeClass;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.CallResult;
import io.modelgateway.gateway.pipeline.CallStage;
import io.modelgateway.gateway.pipeline.Outcome;
import io.modelgateway.gateway.pipeline.StageOrder;
import org.springframework.core.annotation.Order;

/**
 * Counts every call's ending (ordered early, so it also hears calls a later stage refused). Requests that never
 * became a call (401, unknown model, unreadable body) are counted by {@link OutcomeFilter}.
 */
@Order(StageOrder.OUTCOMES)
final class OutcomeStage implements CallStage {

    private final OutcomeCounter counter;

    OutcomeStage(OutcomeCounter counter) {
        this.counter = counter;
    }

    @Override
    public void complete(Call call, CallResult result) {
        counter.record(call.tenant(), call.deployment().name(), classOf(result), code(result));
    }

    static OutcomeClass classOf(CallResult r) {
        if (r.outcome() == Outcome.FILTERED) {
            return OutcomeClass.CLIENT_ERROR; // a content rule refused the prompt or stopped the answer
        }
        if (r.status() < 400 && r.errorCode() != null && r.outcome() == Outcome.CUT_SHORT) {
            return OutcomeClass.SERVER_ERROR; // the backend broke off a streamed answer
        }
        return OutcomeClass.ofStatus(r.status());
    }

    static String code(CallResult r) {
        if (r.errorCode() != null) {
            return r.errorCode();
        }
        return r.status() < 400 ? "" : "status_" + r.status();
    }
}

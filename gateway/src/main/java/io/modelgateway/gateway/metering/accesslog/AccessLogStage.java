package io.modelgateway.gateway.metering.accesslog;

import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.CallResult;
import io.modelgateway.gateway.pipeline.CallStage;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Joins a call's ending to its request's access-log line: the filter opens an entry per request id, this
 * stage (first in the pipeline, so refusals by later stages reach it) fills it, the filter takes it when the
 * response has ended. Requests that were never calls (health, admin, 401s) just find nothing.
 */
@Component
@Order(io.modelgateway.gateway.pipeline.StageOrder.ACCESS_LOG)
@ConditionalOnProperty(name = "gateway.access-log.enabled", matchIfMissing = true)
public class AccessLogStage implements CallStage {

    /** How a call ended. */
    public record Ended(Call call, CallResult result) {}

    private static final Ended PENDING = new Ended(null, null);

    private final ConcurrentHashMap<String, Ended> calls = new ConcurrentHashMap<>();

    void begin(String requestId) {
        calls.put(requestId, PENDING);
    }

    /** The call of this request, or {@code null} when the request was no call (or has not ended as one). */
    Ended end(String requestId) {
        Ended e = calls.remove(requestId);
        return e == PENDING ? null : e;
    }

    @Override
    public void complete(Call call, CallResult result) {
        calls.computeIfPresent(call.requestId(), (id, e) -> new Ended(call, result));
    }
}

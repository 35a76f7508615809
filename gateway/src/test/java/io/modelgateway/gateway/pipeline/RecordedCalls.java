package io.modelgateway.gateway.pipeline;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** A test stage that remembers how every call ended, by request id. */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RecordedCalls implements CallStage {

    public record Ended(Call call, CallResult result) {}

    private final Map<String, Ended> ended = new ConcurrentHashMap<>();

    @Override
    public void complete(Call call, CallResult result) {
        ended.put(call.requestId(), new Ended(call, result));
    }

    public Ended get(String requestId) {
        return ended.get(requestId);
    }
}

package io.modelgateway.gateway.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * A test stage that remembers how the most recent calls ended (the last {@value #KEPT}), by request id; bounded,
 * so that tests measuring the gateway's memory under load do not measure this.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RecordedCalls implements CallStage {

    public record Ended(Call call, CallResult result) {}

    static final int KEPT = 2000;

    private final Map<String, Ended> ended = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Ended> eldest) {
            return size() > KEPT;
        }
    };

    @Override
    public void complete(Call call, CallResult result) {
        synchronized (ended) {
            ended.put(call.requestId(), new Ended(call, result));
        }
    }

    public Ended get(String requestId) {
        synchronized (ended) {
            return ended.get(requestId);
        }
    }
}

package io.modelgateway.gateway.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A test stage that remembers how the most recent calls ended (the last {@value #KEPT}), by request id; bounded,
 * so that tests measuring the gateway's memory under load do not measure this. It also knows the calls that run
 * now, so a test can wait for a call to reach its backend instead of sleeping.
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

    private final Map<String, Call> running = new ConcurrentHashMap<>();

    @Override
    public Mono<Void> admit(Call call) {
        running.put(call.requestId(), call);
        return Mono.empty();
    }

    @Override
    public void complete(Call call, CallResult result) {
        running.remove(call.requestId());
        synchronized (ended) {
            ended.put(call.requestId(), new Ended(call, result));
        }
    }

    public @Nullable Ended get(String requestId) {
        synchronized (ended) {
            return ended.get(requestId);
        }
    }

    /** Whether a call of this tenant runs now and has been forwarded to its backend (so every stage admitted it). */
    public boolean forwardedNow(String tenant) {
        return running.values().stream().anyMatch(c -> tenant.equals(c.tenant()) && c.forwarded());
    }
}

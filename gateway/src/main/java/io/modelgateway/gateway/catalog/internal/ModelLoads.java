package io.modelgateway.gateway.catalog.internal;

import io.modelgateway.gateway.error.ApiException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Which deployments are not live on this gateway replica because the admin API is loading their model on
 * their pool, draining them to unload it, or unloaded it; and each deployment's calls in flight (counted by
 * the {@link LifecycleStage}), which an unload waits for.
 */
@Component
public class ModelLoads {

    /** Why a deployment is not live. */
    public enum State {
        LOADING("model_loading", "is being loaded on its backend; retry shortly"),
        UNLOADING("model_unloading", "is being unloaded from its backend"),
        UNLOADED("model_not_loaded", "is not loaded on its backend");

        private final String code;
        private final String why;

        State(String code, String why) {
            this.code = code;
            this.why = why;
        }

        public String value() {
            return name().toLowerCase();
        }
    }

    private final Map<String, State> offline = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    /** Marks {@code deployment} not live; false when a load or unload of it is already under way. */
    public boolean begin(String deployment, State state) {
        State before = offline.get(deployment);
        if (before == State.LOADING || before == State.UNLOADING) {
            return false;
        }
        return before == null ? offline.putIfAbsent(deployment, state) == null
                : offline.replace(deployment, before, state);
    }

    public void set(String deployment, State state) {
        offline.put(deployment, state);
    }

    /** Puts {@code deployment} live. */
    public void live(String deployment) {
        offline.remove(deployment);
    }

    public Optional<State> state(String deployment) {
        return Optional.ofNullable(offline.get(deployment));
    }

    public int inFlight(String deployment) {
        AtomicInteger n = inFlight.get(deployment);
        return n == null ? 0 : n.get();
    }

    /** The 503 a call to a deployment that is not live gets, or empty when it is live. */
    Optional<ApiException> refusal(String deployment) {
        return state(deployment).map(s -> ApiException.of(HttpStatus.SERVICE_UNAVAILABLE, "server_error", "model",
                s.code, "The model `" + deployment + "` " + s.why + "."));
    }

    void started(String deployment) {
        inFlight.computeIfAbsent(deployment, d -> new AtomicInteger()).incrementAndGet();
    }

    void ended(String deployment) {
        AtomicInteger n = inFlight.get(deployment);
        if (n != null) {
            n.decrementAndGet();
        }
    }
}

package io.modelgateway.inference.internal;

import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.Layout;
import io.modelgateway.inference.TensorLayout;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each model's tensor layout: the configured one, or for AUTO detected once from a replica's ModelConfig (or
 * ModelMetadata). A failed detection is forgotten, so the next call tries again.
 */
public final class LayoutCache {

    private static final CompletableFuture<TensorLayout> VLLM = CompletableFuture.completedFuture(TensorLayout.vllm());
    private static final CompletableFuture<TensorLayout> ENSEMBLE =
            CompletableFuture.completedFuture(TensorLayout.trtllmEnsemble());

    private final PoolRuntime pool;
    private final Map<String, CompletableFuture<TensorLayout>> detected = new ConcurrentHashMap<>();

    public LayoutCache(PoolRuntime pool) {
        this.pool = pool;
    }

    public CompletableFuture<TensorLayout> get(String model) {
        Layout configured = pool.config().layoutOf(model);
        if (configured == Layout.VLLM) {
            return VLLM;
        }
        if (configured == Layout.TRTLLM_ENSEMBLE) {
            return ENSEMBLE;
        }
        CompletableFuture<TensorLayout> known = detected.get(model);
        if (known != null) {
            return known;
        }
        CompletableFuture<TensorLayout> created = new CompletableFuture<>();
        CompletableFuture<TensorLayout> raced = detected.putIfAbsent(model, created);
        if (raced != null) {
            return raced;
        }
        detect(model).whenComplete((layout, error) -> {
            if (error != null) {
                detected.remove(model, created);
                created.completeExceptionally(error);
            } else {
                created.complete(layout);
            }
        });
        return created;
    }

    /**
     * Detects an AUTO model's layout again (the model may have been replaced while it was unready); the layout
     * known so far serves calls until the new detection succeeds. A configured layout is returned as is.
     */
    public CompletableFuture<TensorLayout> refresh(String model) {
        if (pool.config().layoutOf(model) != Layout.AUTO) {
            return get(model);
        }
        return detect(model).whenComplete((layout, error) -> {
            if (error == null) {
                detected.put(model, CompletableFuture.completedFuture(layout));
            }
        });
    }

    private CompletableFuture<TensorLayout> detect(String model) {
        Replica replica = pool.replicas().stream()
                .filter(r -> r.routable(model))
                .findFirst()
                .orElse(pool.replicas().isEmpty() ? null : pool.replicas().get(0));
        if (replica == null) {
            return CompletableFuture.failedFuture(InferenceException.of(
                    InferenceException.Kind.UNAVAILABLE,
                    "",
                    "no replica to read the layout of model '" + model + "' from"));
        }
        return replica.client().detectLayout(model);
    }
}

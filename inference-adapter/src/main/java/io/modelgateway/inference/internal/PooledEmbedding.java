package io.modelgateway.inference.internal;

import io.modelgateway.inference.EmbeddingRequest;
import io.modelgateway.inference.EmbeddingResult;
import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.InferenceException.Kind;
import io.modelgateway.inference.TokenCounter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One embedding batch on a pool: a ModelInfer call with a deadline of the first-token timeout (the answer is
 * its first token), tried on another replica after an UNAVAILABLE-like failure.
 */
public final class PooledEmbedding {

    private final PoolRuntime pool;
    private final EmbeddingRequest request;
    private final TokenCounter counter;
    private final List<Replica> tried = new ArrayList<>(2);
    private final CompletableFuture<EmbeddingResult> result = new CompletableFuture<>();

    public PooledEmbedding(PoolRuntime pool, EmbeddingRequest request, TokenCounter counter) {
        this.pool = pool;
        this.request = request;
        this.counter = counter;
    }

    public CompletableFuture<EmbeddingResult> start() {
        attempt(null);
        return result;
    }

    private void attempt(InferenceException previous) {
        Chooser.Choice<Replica> choice = previous == null
                ? pool.choose(request.model(), tried)
                : pool.chooseForRetry(request.model(), tried, previous);
        if (!choice.found()) {
            result.completeExceptionally(noReplica(previous, choice.overloaded()));
            return;
        }
        Replica replica = choice.replica();
        tried.add(replica);
        long start = pool.nanoTime();
        Duration deadline = pool.config().timeouts().firstToken();
        replica.client().embed(request, counter, deadline).whenComplete((r, t) -> {
            if (t == null) {
                replica.succeeded(pool.nanoTime() - start);
                result.complete(r);
            } else {
                failed(replica, Failures.fromBackend(Failures.unwrap(t, request.requestId())), pool.nanoTime() - start);
            }
        });
    }

    private void failed(Replica replica, InferenceException e, long nanos) {
        if (replica.failed(nanos, e)) {
            pool.recheck(replica);
        }
        if (Failures.retryable(e) && tried.size() < pool.config().maxAttempts()) {
            attempt(e);
        } else {
            result.completeExceptionally(e);
        }
    }

    private InferenceException noReplica(InferenceException previous, boolean overloaded) {
        if (overloaded) {
            return InferenceException.of(
                    Kind.OVERLOADED,
                    request.requestId(),
                    "every ready replica of pool '" + pool.config().name() + "' is at its concurrency limit");
        }
        return previous != null
                ? previous
                : InferenceException.of(
                        Kind.UNAVAILABLE,
                        request.requestId(),
                        "no ready replica of pool '" + pool.config().name() + "' serves model '" + request.model()
                                + "'");
    }
}

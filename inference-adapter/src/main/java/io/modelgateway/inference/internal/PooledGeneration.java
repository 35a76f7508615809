package io.modelgateway.inference.internal;

import io.modelgateway.inference.GenerationCall;
import io.modelgateway.inference.GenerationListener;
import io.modelgateway.inference.GenerationRequest;
import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.InferenceException.Kind;
import io.modelgateway.inference.TensorLayout;
import io.modelgateway.inference.TokenCounter;
import io.modelgateway.inference.TokenUsage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One generation on a pool: tries replicas one after another ({@link GenerationAttempt}) while nothing was
 * delivered and the failure was UNAVAILABLE-like, then reports to the caller's listener exactly once. Keeps
 * the listener contract of {@code TritonClient.generate}.
 */
public final class PooledGeneration implements GenerationCall {

    static final TokenUsage NOTHING = new TokenUsage(0, 0, false);

    final PoolRuntime pool;
    final GenerationRequest request;
    final TokenCounter counter;
    final GenerationListener listener;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final List<Replica> tried = new CopyOnWriteArrayList<>();
    private volatile boolean delivered;
    private volatile GenerationAttempt current;
    private volatile TensorLayout layout;

    public PooledGeneration(
            PoolRuntime pool, GenerationRequest request, TokenCounter counter, GenerationListener listener) {
        this.pool = pool;
        this.request = request;
        this.counter = counter;
        this.listener = listener;
    }

    /** Starts once the model's layout is known (at once when it already is). */
    public PooledGeneration start(CompletableFuture<TensorLayout> layout) {
        if (layout.isDone()) {
            begin(layout.getNow(null), null);
        } else {
            layout.whenComplete(this::begin);
        }
        return this;
    }

    private void begin(TensorLayout layout, Throwable error) {
        if (error != null) {
            end(Failures.unwrap(error, request.requestId()), NOTHING);
            return;
        }
        Optional<String> unsupported =
                layout.unsupportedParameter(request.sampling().keySet());
        if (unsupported.isPresent()) {
            end(
                    InferenceException.of(
                            Kind.INVALID_REQUEST,
                            request.requestId(),
                            "parameter '" + unsupported.get() + "' is not supported by model '" + request.model()
                                    + "' (" + layout.kind() + " layout)"),
                    NOTHING);
            return;
        }
        this.layout = layout;
        next(null, NOTHING);
    }

    /** Starts an attempt on a replica not tried yet, or ends with {@code previous} (or why none could take it). */
    void next(InferenceException previous, TokenUsage usage) {
        if (ended.get()) {
            return;
        }
        Chooser.Choice<Replica> choice = previous == null
                ? pool.choose(request.model(), tried)
                : pool.chooseForRetry(request.model(), tried, previous);
        if (!choice.found()) {
            end(noReplica(previous, choice.overloaded()), usage);
            return;
        }
        tried.add(choice.replica());
        GenerationAttempt attempt = new GenerationAttempt(this, choice.replica(), layout);
        current = attempt;
        attempt.start();
        if (ended.get()) {
            attempt.cancelByClient("cancelled");
        }
    }

    private InferenceException noReplica(InferenceException previous, boolean overloaded) {
        if (overloaded) {
            return InferenceException.of(
                    Kind.OVERLOADED,
                    request.requestId(),
                    "every ready replica of pool '" + pool.config().name() + "' is at its concurrency limit");
        }
        if (previous != null) {
            return previous;
        }
        return InferenceException.of(
                Kind.UNAVAILABLE,
                request.requestId(),
                "no ready replica of pool '" + pool.config().name() + "' serves model '" + request.model() + "'");
    }

    /** An attempt failed: retry on another replica when allowed, else report. */
    void failed(InferenceException error, TokenUsage usage) {
        boolean retry = !delivered
                && Failures.retryable(error)
                && tried.size() < pool.config().maxAttempts();
        if (retry) {
            next(error, usage);
        } else {
            end(error, usage);
        }
    }

    boolean delivering() {
        if (ended.get()) {
            return false;
        }
        delivered = true;
        return true;
    }

    void completed(String finishReason, TokenUsage usage) {
        if (ended.compareAndSet(false, true)) {
            listener.onComplete(finishReason, usage);
        }
    }

    void end(InferenceException error, TokenUsage usage) {
        if (ended.compareAndSet(false, true)) {
            listener.onError(error, usage);
        }
    }

    boolean ended() {
        return ended.get();
    }

    /** The caller's cancel: cancels the backend call; the listener hears nothing more. */
    @Override
    public void cancel(String reason) {
        if (ended.compareAndSet(false, true)) {
            GenerationAttempt attempt = current;
            if (attempt != null) {
                attempt.cancelByClient(reason);
            }
        }
    }
}

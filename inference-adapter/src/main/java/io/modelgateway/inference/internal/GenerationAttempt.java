package io.modelgateway.inference.internal;

import io.modelgateway.inference.GenerationCall;
import io.modelgateway.inference.GenerationListener;
import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.InferenceException.Kind;
import io.modelgateway.inference.TensorLayout;
import io.modelgateway.inference.TokenUsage;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One generation call on one replica, watched by two timeouts on the pool's timer: time to the first token,
 * then the longest silence between tokens (checked lazily, one timer per silence period, not per token). It
 * ends exactly once: completed, failed, timed out or cancelled; whichever wins releases the replica's permits.
 */
final class GenerationAttempt implements GenerationListener {

    private final PooledGeneration generation;
    private final Replica replica;
    private final TensorLayout layout;
    private final PoolRuntime pool;
    private final long startNanos;
    private final AtomicBoolean over = new AtomicBoolean();
    private volatile boolean firstTokenSeen;
    private volatile long lastTokenNanos;
    private volatile ScheduledFuture<?> timer;
    private GenerationCall stream; // guarded by this
    private boolean cancelRequested; // guarded by this

    GenerationAttempt(PooledGeneration generation, Replica replica, TensorLayout layout) {
        this.generation = generation;
        this.replica = replica;
        this.layout = layout;
        this.pool = generation.pool;
        this.startNanos = pool.nanoTime();
    }

    void start() {
        timer = pool.schedule(this::firstTokenExpired, firstTokenNanos());
        try {
            attach(replica.client().generate(generation.request, generation.counter, this, layout));
        } catch (IllegalArgumentException e) {
            if (over.compareAndSet(false, true)) {
                stopTimer();
                replica.abandoned();
                generation.end(
                        InferenceException.of(Kind.INVALID_REQUEST, generation.request.requestId(), e.getMessage()),
                        PooledGeneration.NOTHING);
            }
        } catch (RuntimeException e) {
            onError(
                    InferenceException.of(Kind.UNAVAILABLE, generation.request.requestId(), e.toString(), e),
                    PooledGeneration.NOTHING);
        }
    }

    /** A non-streamed answer's first token is all of it: allow the time a stream of maxTokens could take. */
    private long firstTokenNanos() {
        long first = pool.config().timeouts().firstToken().toNanos();
        if (generation.request.stream()) {
            return first;
        }
        long perToken = pool.config().timeouts().betweenTokens().toNanos();
        long rest = generation.request.maxTokens() > Long.MAX_VALUE / perToken
                ? Long.MAX_VALUE
                : perToken * generation.request.maxTokens();
        return rest > Long.MAX_VALUE - first ? Long.MAX_VALUE : first + rest;
    }

    @Override
    public void onPromptTokens(int promptTokens) {
        if (!over.get() && !generation.ended()) {
            generation.listener.onPromptTokens(promptTokens);
        }
    }

    @Override
    public void onDelta(String text, int outputTokens) {
        if (over.get() || !generation.delivering()) {
            return;
        }
        lastTokenNanos = pool.nanoTime();
        if (!firstTokenSeen) {
            firstTokenSeen = true;
            stopTimer();
            if (generation.request.stream()) {
                timer = pool.schedule(
                        this::idleCheck,
                        pool.config().timeouts().betweenTokens().toNanos());
            }
        }
        generation.listener.onDelta(text, outputTokens);
    }

    @Override
    public void onComplete(String finishReason, TokenUsage usage) {
        if (over.compareAndSet(false, true)) {
            stopTimer();
            replica.succeeded(elapsed());
            generation.completed(finishReason, usage);
        }
    }

    @Override
    public void onError(InferenceException error, TokenUsage usageSoFar) {
        if (over.compareAndSet(false, true)) {
            stopTimer();
            InferenceException e = Failures.fromBackend(error);
            failReplica(e);
            generation.failed(e, usageSoFar);
        }
    }

    void cancelByClient(String reason) {
        if (over.compareAndSet(false, true)) {
            stopTimer();
            cancelStream(reason);
            replica.abandoned();
        }
    }

    private void firstTokenExpired() {
        timeout("no first token within " + Duration.ofNanos(firstTokenNanos()).toMillis() + " ms");
    }

    private void idleCheck() {
        if (over.get()) {
            return;
        }
        long idle = pool.config().timeouts().betweenTokens().toNanos();
        long silent = pool.nanoTime() - lastTokenNanos;
        if (silent >= idle) {
            timeout("no token for " + Duration.ofNanos(silent).toMillis() + " ms");
        } else {
            timer = pool.schedule(this::idleCheck, idle - silent);
        }
    }

    private void timeout(String message) {
        if (!over.compareAndSet(false, true)) {
            return;
        }
        GenerationCall s = cancelStream("timeout: " + message);
        InferenceException e = InferenceException.of(
                Kind.TIMEOUT, generation.request.requestId(), "replica " + replica.target() + ": " + message);
        failReplica(e);
        generation.end(e, s instanceof GenerationStream g ? g.usageSoFar() : PooledGeneration.NOTHING);
    }

    private void failReplica(InferenceException e) {
        if (replica.failed(elapsed(), e)) {
            pool.recheck(replica);
        }
    }

    private synchronized void attach(GenerationCall call) {
        stream = call;
        if (cancelRequested) {
            call.cancel("cancelled");
        }
    }

    private synchronized GenerationCall cancelStream(String reason) {
        cancelRequested = true;
        if (stream != null) {
            stream.cancel(reason);
        }
        return stream;
    }

    private void stopTimer() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }

    private long elapsed() {
        return pool.nanoTime() - startNanos;
    }
}

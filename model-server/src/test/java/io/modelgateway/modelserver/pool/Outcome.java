package io.modelgateway.modelserver.pool;

import io.modelgateway.inference.GenerationListener;
import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.TokenUsage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/** Records one pooled generation (thread-safe: callbacks arrive on gRPC and timer threads). */
final class Outcome implements GenerationListener {

    /** How it ended: a finish reason or an error, with usage. */
    record End(String finishReason, TokenUsage usage, InferenceException error) {

        boolean failed() {
            return error != null;
        }
    }

    private final ConcurrentLinkedQueue<String> deltas = new ConcurrentLinkedQueue<>();
    private final AtomicInteger ends = new AtomicInteger();
    private final CompletableFuture<String> firstDelta = new CompletableFuture<>();
    private final CompletableFuture<End> end = new CompletableFuture<>();

    @Override
    public void onDelta(String text, int outputTokens) {
        deltas.add(text);
        firstDelta.complete(text);
    }

    @Override
    public void onComplete(String finishReason, TokenUsage usage) {
        ends.incrementAndGet();
        end.complete(new End(finishReason, usage, null));
    }

    @Override
    public void onError(InferenceException error, TokenUsage usageSoFar) {
        ends.incrementAndGet();
        end.complete(new End(null, usageSoFar, error));
    }

    CompletableFuture<End> end() {
        return end;
    }

    End awaitEnd() {
        try {
            return end.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("generation did not end within 10 s; text so far: " + text(), e);
        }
    }

    String awaitFirstDelta() {
        try {
            return firstDelta.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no delta within 10 s", e);
        }
    }

    boolean sawDelta() {
        return !deltas.isEmpty();
    }

    boolean ended() {
        return end.isDone();
    }

    int ends() {
        return ends.get();
    }

    String text() {
        return String.join("", deltas);
    }

    int deltaCount() {
        return deltas.size();
    }

    @Override
    public String toString() {
        return deltas.stream().collect(Collectors.joining("|")) + " -> " + (end.isDone() ? end.join() : "running");
    }
}

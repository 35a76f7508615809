package io.modelgateway.modelserver.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.inference.GenerationListener;
import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Records every callback of one generation, thread-safely (callbacks arrive on the channel's event loop).
 * Counts completions and errors separately so tests can assert "exactly once", and notes callbacks that
 * arrive after the end.
 */
final class RecordingListener implements GenerationListener {

    record Delta(String text, int outputTokens) {}

    /** The end of a generation: either a finish reason or an error, with the usage reported with it. */
    record End(String finishReason, TokenUsage usage, InferenceException error) {

        boolean failed() {
            return error != null;
        }
    }

    private final List<Delta> deltas = new CopyOnWriteArrayList<>();
    private final AtomicInteger completions = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private final AtomicInteger callbacks = new AtomicInteger();
    private final AtomicInteger afterEnd = new AtomicInteger();
    private final CompletableFuture<Delta> firstDelta = new CompletableFuture<>();
    private final CompletableFuture<End> end = new CompletableFuture<>();

    @Override
    public void onDelta(String text, int outputTokens) {
        callbacks.incrementAndGet();
        if (end.isDone()) {
            afterEnd.incrementAndGet();
        }
        Delta d = new Delta(text, outputTokens);
        deltas.add(d);
        firstDelta.complete(d);
    }

    @Override
    public void onComplete(String finishReason, TokenUsage usage) {
        callbacks.incrementAndGet();
        completions.incrementAndGet();
        if (!end.complete(new End(finishReason, usage, null))) {
            afterEnd.incrementAndGet();
        }
    }

    @Override
    public void onError(InferenceException error, TokenUsage usageSoFar) {
        callbacks.incrementAndGet();
        errors.incrementAndGet();
        if (!end.complete(new End(null, usageSoFar, error))) {
            afterEnd.incrementAndGet();
        }
    }

    /** Waits for onComplete or onError (10 s at most). */
    End awaitEnd() {
        try {
            return end.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("generation did not end within 10 s; deltas so far: " + texts(), e);
        }
    }

    /** Waits for onComplete and returns it; fails on onError. */
    End awaitCompletion() {
        End e = awaitEnd();
        assertThat(e.error()).as("generation error").isNull();
        return e;
    }

    /** Waits for onError and returns it; fails on onComplete. */
    InferenceException awaitError() {
        End e = awaitEnd();
        assertThat(e.failed())
                .as("expected onError, got onComplete(%s)", e.finishReason())
                .isTrue();
        return e.error();
    }

    Delta awaitFirstDelta() {
        try {
            return firstDelta.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no delta within 10 s", e);
        }
    }

    boolean ended() {
        return end.isDone();
    }

    List<Delta> deltas() {
        return new ArrayList<>(deltas);
    }

    List<String> texts() {
        return deltas.stream().map(Delta::text).toList();
    }

    String text() {
        return deltas.stream().map(Delta::text).collect(Collectors.joining());
    }

    int completions() {
        return completions.get();
    }

    int errors() {
        return errors.get();
    }

    int callbacks() {
        return callbacks.get();
    }

    /** Callbacks that arrived after onComplete/onError (must stay 0). */
    int callbacksAfterEnd() {
        return afterEnd.get();
    }
}

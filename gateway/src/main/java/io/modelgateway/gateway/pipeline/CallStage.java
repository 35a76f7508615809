package io.modelgateway.gateway.pipeline;

import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;

/**
 * One step of the call pipeline. Stages are Spring beans ordered with {@code @Order} naming a {@link StageOrder} constant
 * (the order is declared there only); {@link #admit} runs
 * in that order before the call is forwarded, {@link #complete} in reverse order exactly once when it
 * ends, also when a later stage refused it (so reservations are released).
 */
public interface CallStage {

    /**
     * Decides whether the call may go on. Completes empty to let it through; errors with an {@link
     * io.modelgateway.gateway.edge.error.ApiException} to refuse it. May lower {@link Call#maxTokens()} and
     * add response headers. Must not block: answer from memory or an asynchronous client.
     */
    default Mono<Void> admit(Call call) {
        return Mono.empty();
    }

    /**
     * Adds to {@code quote} what {@link #admit} would decide about the call now, without reserving, recording or
     * changing anything outside the call (which is thrown away): the same computation, no side effects. A stage
     * that would refuse adds a {@link Quote.Refusal}; an {@link io.modelgateway.gateway.edge.error.ApiException} it
     * errors with is recorded as a refusal too. Must not block.
     */
    default Mono<Void> quote(Call call, Quote quote) {
        return Mono.empty();
    }

    /** The call ended. Never throws and never blocks; slow work is handed to a queue. */
    default void complete(Call call, CallResult result) {}

    /**
     * Completes once what {@link #complete} recorded for a completed call is durable (e.g. its usage record
     * forced to the local spool); the last bytes of the answer wait for it, so a client that saw a whole
     * answer knows it was recorded. Must not error; empty when there is nothing to wait for.
     */
    default Mono<Void> durable(Call call) {
        return Mono.empty();
    }

    /**
     * For {@link #durable}: waits for {@code future}, or nothing ({@code Mono.empty()}) when it has already completed
     * normally, so that the pipeline writes the answer at once on the caller's thread, without a hop through the
     * request loop's task queue (the usual case when the request's own thread appended its record to the spool).
     */
    static Mono<Void> untilDone(CompletableFuture<Void> future) {
        return future.isDone() && !future.isCompletedExceptionally() ? Mono.empty() : Mono.fromFuture(future, true);
    }
}

package io.modelgateway.gateway.pipeline;

import io.modelgateway.gateway.error.ApiException;
import io.modelgateway.gateway.error.OpenAiErrors;
import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.TokenUsage;
import java.time.Clock;
import reactor.core.publisher.Mono;

/**
 * Follows one forwarded call's tokens as they arrive and ends it in the pipeline with the right outcome:
 * completed with the backend's usage, or failed or cut short with what was generated so far (a stream cut
 * short is billed for what it produced).
 */
public final class UsageTracker {

    private final Pipeline pipeline;
    private final Call call;
    private final Clock clock;
    private volatile int outputTokens;
    private volatile TokenUsage finalUsage;

    public UsageTracker(Pipeline pipeline, Call call, Clock clock) {
        this.pipeline = pipeline;
        this.call = call;
        this.clock = clock;
    }

    /**
     * A delta arrived with the tokens it holds, as the backend said ({@code 0} when it did not say: then
     * they are counted here). Deltas of one call arrive one at a time.
     */
    public void delta(String text, int tokens) {
        if (outputTokens == 0) {
            call.markFirstToken(clock.instant());
        }
        outputTokens += tokens > 0 ? tokens : call.deployment().tokens().count(text);
    }

    /** The backend finished; the answer is about to be sent. */
    public void finished(TokenUsage usage) {
        call.markFirstToken(clock.instant());
        finalUsage = usage;
    }

    /** The client received the whole answer, or all of it a content rule let through. */
    public void completed() {
        pipeline.complete(call, completion());
    }

    /**
     * The whole answer is ready: ends the call as completed and completes once its records are durable. The
     * answer's last bytes (the JSON body, a stream's {@code [DONE]}) are sent after it.
     */
    public Mono<Void> complete() {
        return pipeline.completeDurably(call, completion());
    }

    private CallResult completion() {
        TokenUsage usage = finalUsage != null ? finalUsage : soFar();
        boolean filtered = call.outputFilter().stopped();
        return new CallResult(filtered ? Outcome.FILTERED : Outcome.COMPLETED, usage, 200,
                filtered ? "content_filter" : null, clock.instant());
    }

    /** The call failed; {@code started} when part of the answer already reached the client. */
    public void failed(Throwable error, boolean started) {
        if (!started && error instanceof InferenceException ie && ie.kind() == InferenceException.Kind.OVERLOADED) {
            call.markTurnedAway();
        }
        ApiException e = OpenAiErrors.classify(error);
        Outcome outcome = started || outputTokens > 0 ? Outcome.CUT_SHORT : Outcome.FAILED;
        pipeline.complete(call, new CallResult(outcome, soFar(), started ? 200 : e.status().value(), e.code(),
                clock.instant()));
    }

    /** The client went away. */
    public void cancelled() {
        Outcome outcome = outputTokens > 0 || finalUsage != null ? Outcome.CUT_SHORT : Outcome.FAILED;
        TokenUsage usage = finalUsage != null ? finalUsage : soFar();
        pipeline.complete(call, new CallResult(outcome, usage, 499, "client_closed_request", clock.instant()));
    }

    /** Prompt tokens and the tokens generated so far (for an answer a content rule stopped). */
    public TokenUsage usageSoFar() {
        return soFar();
    }

    private TokenUsage soFar() {
        return new TokenUsage(call.promptTokens(), outputTokens, true);
    }
}

package io.modelgateway.gateway.pipeline;

import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.edge.error.OpenAiErrors;
import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.TokenUsage;
import java.time.Clock;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Follows one forwarded call's tokens as they arrive and ends it in the pipeline with the right outcome:
 * completed with the backend's usage; cut short (billed) with the prompt and what was generated so far when
 * the client went away after the call was forwarded or the backend broke mid-answer; failed (not billed) when
 * the backend failed before any answer. Token counts are the backend's wherever it reported them (its usage,
 * its prompt count, its per-delta counts); the rest is counted here and the usage marked estimated.
 */
public final class AnswerTally {

    private final Pipeline pipeline;
    private final Call call;
    private final Clock clock;
    private volatile int outputTokens;
    private volatile boolean outputCounted;
    private volatile @Nullable TokenUsage finalUsage;

    public AnswerTally(Pipeline pipeline, Call call, Clock clock) {
        this.pipeline = pipeline;
        this.call = call;
        this.clock = clock;
    }

    /** The backend reported the prompt's tokens (before or with its first delta). */
    public void promptTokens(int tokens) {
        call.backendPromptTokens(tokens);
    }

    /**
     * A delta arrived with the tokens it holds, as the backend said ({@code 0} when it did not say: then
     * they are counted here). Deltas of one call arrive one at a time.
     */
    public void delta(String text, int tokens) {
        if (outputTokens == 0) {
            call.markFirstToken(clock.instant());
        }
        if (tokens > 0) {
            outputTokens += tokens;
        } else {
            outputCounted = true;
            outputTokens += call.deployment().tokens().count(text);
        }
    }

    /** The backend finished (or told its whole usage); the answer is about to be sent. */
    public void finished(TokenUsage usage) {
        call.markFirstToken(clock.instant());
        finalUsage = usage;
    }

    /** Whether the backend's whole usage is known ({@link #finished} was called). */
    public boolean hasFinalUsage() {
        return finalUsage != null;
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
        return new CallResult(
                filtered ? Outcome.FILTERED : Outcome.COMPLETED,
                usage,
                200,
                filtered ? "content_filter" : null,
                clock.instant());
    }

    /** The call failed; {@code started} when part of the answer already reached the client. */
    public void failed(Throwable error, boolean started) {
        boolean produced = started || outputTokens > 0;
        if (!produced
                && error instanceof InferenceException ie
                && (ie.kind() == InferenceException.Kind.OVERLOADED
                        || ie.kind() == InferenceException.Kind.UNAVAILABLE)) {
            call.markTurnedAway(); // no replica took it (all busy, loading, unreachable): it never reached a model
        }
        ApiException e = OpenAiErrors.classify(error);
        Outcome outcome = produced ? Outcome.CUT_SHORT : Outcome.FAILED;
        pipeline.complete(
                call,
                new CallResult(
                        outcome,
                        produced ? soFar() : CallResult.NO_USAGE,
                        started ? 200 : e.status().value(),
                        e.code(),
                        clock.instant()));
    }

    /**
     * The client went away. A call already forwarded is cut short and billed for its prompt and what the
     * backend produced (its whole usage when it was read to the end), as OpenAI and Azure OpenAI bill it.
     */
    public void cancelled() {
        if (!call.forwarded()) {
            pipeline.complete(
                    call,
                    new CallResult(Outcome.FAILED, CallResult.NO_USAGE, 499, "client_closed_request", clock.instant()));
            return;
        }
        TokenUsage usage = finalUsage != null ? finalUsage : soFar();
        pipeline.complete(
                call, new CallResult(Outcome.CUT_SHORT, usage, 499, "client_closed_request", clock.instant()));
    }

    /** Prompt tokens and the tokens generated so far (for an answer a content rule stopped). */
    public TokenUsage usageSoFar() {
        return soFar();
    }

    private TokenUsage soFar() {
        return new TokenUsage(call.promptTokens(), outputTokens, !call.promptTokensReported() || outputCounted);
    }
}

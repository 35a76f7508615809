package io.modelgateway.inference;

/**
 * Receives the outcome of one generation call. Exactly one of {@link #onComplete} and {@link #onError}
 * is called, after any number of {@link #onDelta} calls, unless the caller cancels the call itself: after
 * {@link GenerationCall#cancel} neither is called (one delta already in flight may still arrive). Calls arrive on a gRPC thread (possibly the
 * transport's event loop): implementations must not block.
 */
public interface GenerationListener {

    /**
     * The backend reported how many tokens the prompt has (Triton's {@code num_input_tokens}, sent on its
     * first response, before or with the first delta). Called at most once; not at all when the backend does
     * not report it.
     */
    default void onPromptTokens(int promptTokens) {}

    /** A piece of generated text with the number of tokens it holds (0 when the backend does not say). */
    void onDelta(String text, int outputTokens);

    /** The generation ended normally; {@code finishReason} is OpenAI's ("stop" or "length"). */
    void onComplete(String finishReason, TokenUsage usage);

    /** The generation failed; {@code usageSoFar} counts what was generated before the failure. */
    void onError(InferenceException error, TokenUsage usageSoFar);
}

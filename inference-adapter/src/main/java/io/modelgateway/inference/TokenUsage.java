package io.modelgateway.inference;

/**
 * Token counts of one inference call.
 *
 * @param promptTokens tokens of the prompt (input)
 * @param completionTokens tokens generated (output)
 * @param estimated true when the backend did not report the counts and they were counted locally
 */
public record TokenUsage(int promptTokens, int completionTokens, boolean estimated) {

    public TokenUsage {
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}

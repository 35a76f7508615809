package io.modelgateway.billing.pricing;

/**
 * Token counts of one call, as OpenAI reports them: {@code input} includes the {@code cachedInput} tokens.
 */
public record Tokens(long input, long cachedInput, long output) {

    public Tokens {
        if (input < 0 || cachedInput < 0 || output < 0 || cachedInput > input) {
            throw new IllegalArgumentException("bad token counts: " + input + "/" + cachedInput + "/" + output);
        }
    }

    public static Tokens of(long input, long output) {
        return new Tokens(input, 0, output);
    }
}

package io.modelgateway.billing.report;

/** What a usage line charges for: a kind of token, calls, or the per-call rounding to micro-units. */
public enum TokenType {
    /** Input tokens not read from the cache, at the input price. */
    INPUT("input"),
    /** Input tokens read from the cache, at the cached-input price. */
    CACHED_INPUT("cached input"),
    OUTPUT("output"),
    /** Calls, at the per-request price. */
    REQUESTS("requests"),
    /**
     * The difference between the charged costs (each call rounded half up to a whole micro-unit) and the
     * exact products of tokens and unit prices; under one micro-unit per call.
     */
    ROUNDING("rounding");

    private final String value;

    TokenType(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }
}

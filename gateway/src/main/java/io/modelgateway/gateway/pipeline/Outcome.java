package io.modelgateway.gateway.pipeline;

/** How a call ended. */
public enum Outcome {
    /** The backend finished the answer and the client received it. */
    COMPLETED,
    /**
     * The answer did not finish: the client went away after the call was forwarded (billed for the prompt and
     * what the backend produced), or the backend failed mid-answer.
     */
    CUT_SHORT,
    /** The call failed before any answer: nothing is billed and no usage record is kept. */
    FAILED,
    /** A content rule stopped the prompt or the answer. */
    FILTERED,
    /** A stage refused the call before it was forwarded; it never reached a backend. */
    REFUSED;

    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

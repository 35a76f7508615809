package io.modelgateway.gateway.pipeline;

/** How a call ended. */
public enum Outcome {
    /** The backend finished the answer and the client received it. */
    COMPLETED,
    /** The answer started but did not finish: the client went away, or the backend failed mid-stream. */
    CUT_SHORT,
    /** The call failed before any answer reached the client. */
    FAILED,
    /** A content rule stopped the prompt or the answer. */
    FILTERED,
    /** A stage refused the call before it was forwarded; it never reached a backend. */
    REFUSED;

    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

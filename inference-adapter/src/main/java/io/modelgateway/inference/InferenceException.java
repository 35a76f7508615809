package io.modelgateway.inference;

/**
 * A failed inference call, classified so the gateway can map it to an HTTP status. The stack trace
 * is not filled in: these are expected on a busy fleet and must stay cheap.
 */
public final class InferenceException extends RuntimeException {

    /** What went wrong, from the caller's point of view. */
    public enum Kind {
        /** The model is not known to the backend (Triton NOT_FOUND). */
        MODEL_NOT_FOUND,
        /** The backend rejected the request's tensors or parameters (INVALID_ARGUMENT). */
        INVALID_REQUEST,
        /** The backend cannot take the request now (UNAVAILABLE, queue full, not ready, connection refused). */
        UNAVAILABLE,
        /** The backend did not answer in time (DEADLINE_EXCEEDED or a gateway timeout). */
        TIMEOUT,
        /**
         * Every ready replica of a backend pool is at its concurrency cap (bulkhead): refused at once, nothing
         * was queued or sent. Worth retrying after a short pause (HTTP 429 or 503 with retry-after).
         */
        OVERLOADED,
        /** The call was cancelled (client disconnect, shutdown). */
        CANCELLED,
        /** Anything else the backend reported. */
        BACKEND_ERROR
    }

    private final Kind kind;
    private final String requestId;

    private InferenceException(Kind kind, String requestId, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
        this.requestId = requestId;
    }

    public static InferenceException of(Kind kind, String requestId, String message) {
        return new InferenceException(kind, requestId, message, null);
    }

    public static InferenceException of(Kind kind, String requestId, String message, Throwable cause) {
        return new InferenceException(kind, requestId, message, cause);
    }

    public Kind kind() {
        return kind;
    }

    public String requestId() {
        return requestId;
    }
}

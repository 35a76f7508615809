package io.modelgateway.inference.internal;

import io.grpc.Status;
import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.InferenceException.Kind;
import java.util.Locale;

/** Classifies Triton's gRPC statuses and in-stream error messages. */
public final class Errors {

    private Errors() {}

    public static InferenceException fromStatus(Status status, String requestId) {
        String desc = status.getDescription() == null ? status.getCode().name() : status.getDescription();
        Kind kind = switch (status.getCode()) {
            case NOT_FOUND -> Kind.MODEL_NOT_FOUND;
            case INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION -> Kind.INVALID_REQUEST;
            case UNAVAILABLE, RESOURCE_EXHAUSTED, ABORTED -> Kind.UNAVAILABLE;
            case DEADLINE_EXCEEDED -> Kind.TIMEOUT;
            case CANCELLED -> Kind.CANCELLED;
            default -> Kind.BACKEND_ERROR;
        };
        return InferenceException.of(kind, requestId, desc, status.getCause());
    }

    /** In a stream (Triton's default mode) errors arrive as text only; classify by Triton's wording. */
    public static InferenceException fromStreamMessage(String message, String requestId) {
        String m = message.toLowerCase(Locale.ROOT);
        Kind kind;
        if (m.contains("unknown model") || m.contains("is not found") || m.contains("no available versions")) {
            kind = Kind.MODEL_NOT_FOUND;
        } else if (m.contains("unexpected shape")
                || m.contains("data-type is")
                || m.contains("inputs but got")
                || m.contains("unexpected number of string elements")
                || m.contains("invalid argument")
                || m.contains("maximum model length")
                || m.contains("must be at least")
                || m.contains("must not be")
                || m.contains("must be greater")) {
            kind = Kind.INVALID_REQUEST;
        } else if (m.contains("queue size")
                || m.contains("not ready")
                || m.contains("timeout expired")
                || m.contains("shutting down")
                || m.contains("unavailable")) {
            kind = Kind.UNAVAILABLE;
        } else if (m.contains("cancel")) {
            kind = Kind.CANCELLED;
        } else {
            kind = Kind.BACKEND_ERROR;
        }
        return InferenceException.of(kind, requestId, message);
    }
}

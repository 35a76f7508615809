package io.modelgateway.modelserver.internal;

import io.grpc.Status;

/**
 * A failed inference or repository call with the gRPC code Triton would use. {@code fromModel} marks errors
 * raised by the model itself (Triton's backend errors): in a stream they carry model name, version and the
 * final flag, while errors found when the request is issued carry only the request id.
 */
public final class InferException extends Exception {

    private final Status.Code code;
    private final boolean fromModel;

    private InferException(Status.Code code, String message, boolean fromModel) {
        super(message, null, false, false);
        this.code = code;
        this.fromModel = fromModel;
    }

    public static InferException of(Status.Code code, String message) {
        return new InferException(code, message, false);
    }

    public static InferException invalid(String message) {
        return of(Status.Code.INVALID_ARGUMENT, message);
    }

    public static InferException fromModel(Status.Code code, String message) {
        return new InferException(code, message, true);
    }

    public Status.Code code() {
        return code;
    }

    public boolean isFromModel() {
        return fromModel;
    }

    public Status toStatus() {
        return Status.fromCode(code).withDescription(getMessage());
    }
}

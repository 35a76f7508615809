package io.modelgateway.modelserver.internal;

import inference.ModelInferResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** A ModelInfer call: exactly one response or one error; a client cancel cancels the request. */
final class UnaryCall implements ResponseSink {

    private final ServerCallStreamObserver<ModelInferResponse> out;
    private final Cancellation life = new Cancellation();

    UnaryCall(StreamObserver<ModelInferResponse> observer, Counters counters) {
        this.out = (ServerCallStreamObserver<ModelInferResponse>) observer;
        out.setOnCancelHandler(() -> {
            if (life.cancel()) {
                counters.cancelled();
            }
        });
    }

    @Override
    public void send(ModelInferResponse response, boolean last) {
        if (!last) {
            throw new IllegalStateException("ModelInfer carries exactly one response");
        }
        if (life.finish()) {
            out.onNext(response);
            out.onCompleted();
        }
    }

    @Override
    public void fail(InferException error) {
        if (life.finish()) {
            out.onError(error.toStatus().asRuntimeException());
        }
    }

    @Override
    public boolean isCancelled() {
        return life.isCancelled();
    }

    @Override
    public void onCancel(Runnable action) {
        life.onCancel(action);
    }
}

package io.modelgateway.modelserver.internal;

import inference.ModelInferResponse;
import io.grpc.Status;

/**
 * A sink that lets {@code after} data responses through and then fails the request with INTERNAL, as a model
 * that crashes mid-generation does; from then on it reports cancelled so the model stops producing.
 */
final class FailingMidStream implements ResponseSink {

    private final ResponseSink delegate;
    private final int after;
    private int sent; // guarded by this
    private volatile boolean failed;

    FailingMidStream(ResponseSink delegate, int after) {
        this.delegate = delegate;
        this.after = after;
    }

    @Override
    public void send(ModelInferResponse response, boolean last) {
        synchronized (this) {
            if (failed) {
                return;
            }
            if (sent == after) {
                failed = true;
            } else {
                sent++;
            }
        }
        if (failed) {
            delegate.fail(InferException.fromModel(Status.Code.INTERNAL, "injected failure mid-stream"));
        } else {
            delegate.send(response, last);
        }
    }

    @Override
    public void fail(InferException error) {
        delegate.fail(error);
    }

    @Override
    public boolean isCancelled() {
        return failed || delegate.isCancelled();
    }

    @Override
    public void onCancel(Runnable action) {
        delegate.onCancel(action);
    }
}

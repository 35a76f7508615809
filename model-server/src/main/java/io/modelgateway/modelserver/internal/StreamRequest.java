package io.modelgateway.modelserver.internal;

import inference.ModelInferRequest;
import inference.ModelInferResponse;

/** One request of a ModelStreamInfer call: adds Triton's final flag and the optional empty final response. */
final class StreamRequest implements ResponseSink {

    private final StreamSession session;
    private final ModelInferRequest request;
    private final boolean emptyFinal;
    private final Cancellation life = new Cancellation();

    StreamRequest(StreamSession session, ModelInferRequest request, boolean emptyFinal) {
        this.session = session;
        this.request = request;
        this.emptyFinal = emptyFinal;
    }

    @Override
    public void send(ModelInferResponse response, boolean last) {
        if (!last) {
            if (!life.isCancelled()) {
                session.write(Responses.stream(Responses.withFinalFlag(response, false)));
            }
            return;
        }
        if (!life.finish()) {
            return;
        }
        if (emptyFinal) {
            session.write(Responses.stream(Responses.withFinalFlag(response, false)));
            session.write(Responses.stream(Responses.emptyFinal(request)));
        } else {
            session.write(Responses.stream(Responses.withFinalFlag(response, true)));
        }
        session.finished(this);
    }

    @Override
    public void fail(InferException error) {
        if (life.finish()) {
            session.failed(request, error);
            session.finished(this);
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

    /** Returns true when the request was still running. */
    boolean cancel() {
        return life.cancel();
    }

    /** Drops a request that could not start; returns false when it already ended. */
    boolean abandon() {
        return life.finish();
    }
}

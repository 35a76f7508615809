package io.modelgateway.modelserver.internal;

import inference.ModelInferResponse;

/** Where a model sends the responses of one request. Implementations are thread-safe. */
public interface ResponseSink {

    /** Sends a data response; {@code last} ends the request. Ignored once the request is cancelled. */
    void send(ModelInferResponse response, boolean last);

    /** Ends the request with an error raised by the model. */
    void fail(InferException error);

    boolean isCancelled();

    /** Registers what to do when the request is cancelled; runs at once if it already is. */
    void onCancel(Runnable action);
}

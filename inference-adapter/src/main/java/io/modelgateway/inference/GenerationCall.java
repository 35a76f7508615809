package io.modelgateway.inference;

/** A generation in flight. Cancelling cancels the gRPC call, which cancels just this request on Triton. */
public interface GenerationCall {

    void cancel(String reason);
}

package io.modelgateway.inference.internal;

import inference.ModelInferRequest;
import inference.ModelStreamInferResponse;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.modelgateway.inference.GenerationCall;
import io.modelgateway.inference.GenerationListener;
import io.modelgateway.inference.GenerationRequest;
import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.TokenCounter;
import io.modelgateway.inference.TokenUsage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@code ModelStreamInfer} call carrying exactly one generation request, so cancelling the call
 * cancels just that request on Triton. Ends on the response flagged {@code triton_final_response}, or
 * on an error message, or when the call closes.
 */
public final class GenerationStream extends ClientCall.Listener<ModelStreamInferResponse> implements GenerationCall {

    private final GenerationRequest request;
    private final GenerationListener listener;
    private final TokenCounter counter;
    private final ClientCall<ModelInferRequest, ModelStreamInferResponse> call;
    private final AtomicBoolean done = new AtomicBoolean();
    /** Text kept only while the backend sends no token counts, to count it at the end. */
    private final StringBuilder generated = new StringBuilder();
    private int inputTokens = -1;
    private int outputTokens;
    private boolean outputCounted = true;
    private String finishReason;

    public GenerationStream(GenerationRequest request, GenerationListener listener, TokenCounter counter,
            ClientCall<ModelInferRequest, ModelStreamInferResponse> call) {
        this.request = request;
        this.listener = listener;
        this.counter = counter;
        this.call = call;
    }

    public GenerationStream start() {
        call.start(this, new Metadata());
        call.request(Integer.MAX_VALUE);
        call.sendMessage(VllmLayout.encode(request));
        return this;
    }

    @Override
    public void onMessage(ModelStreamInferResponse message) {
        if (done.get()) {
            return;
        }
        if (!message.getErrorMessage().isEmpty()) {
            fail(Errors.fromStreamMessage(message.getErrorMessage(), request.requestId()));
            call.cancel("request failed", null);
            return;
        }
        VllmLayout.Decoded d = VllmLayout.decode(message.getInferResponse());
        if (d.inputTokens() >= 0 && inputTokens < 0) {
            inputTokens = d.inputTokens();
        }
        if (d.finishReason() != null && !d.finishReason().isEmpty()) {
            finishReason = d.finishReason();
        }
        if (!d.text().isEmpty()) {
            int n = d.outputTokens();
            if (n < 0) {
                outputCounted = false;
                generated.append(d.text());
                n = 0;
            } else {
                outputTokens += n;
            }
            listener.onDelta(d.text(), n);
        } else if (d.outputTokens() > 0) {
            outputTokens += d.outputTokens();
        }
        if (d.last() && done.compareAndSet(false, true)) {
            call.halfClose();
            TokenUsage usage = usage();
            boolean hitMax = usage.completionTokens() >= request.maxTokens();
            listener.onComplete(VllmLayout.openAiFinishReason(finishReason, hitMax), usage);
        }
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
        if (status.isOk()) {
            fail(InferenceException.of(InferenceException.Kind.BACKEND_ERROR, request.requestId(),
                    "backend closed the stream before the final response"));
        } else {
            fail(Errors.fromStatus(status, request.requestId()));
        }
    }

    @Override
    public void cancel(String reason) {
        if (done.compareAndSet(false, true)) {
            call.cancel(reason, null);
        }
    }

    private void fail(InferenceException e) {
        if (done.compareAndSet(false, true)) {
            listener.onError(e, usage());
        }
    }

    private TokenUsage usage() {
        boolean estimated = inputTokens < 0 || !outputCounted;
        int in = inputTokens >= 0 ? inputTokens : counter.count(request.prompt());
        int out = outputCounted ? outputTokens : counter.count(generated.toString());
        return new TokenUsage(in, out, estimated);
    }
}

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
import io.modelgateway.inference.TensorLayout;
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
    private final TensorLayout layout;
    private final AtomicBoolean done = new AtomicBoolean();
    /** Set before every cancel of the call (a cancelled call refuses a half-close). */
    private volatile boolean cancelled;
    /** Text kept only while the backend sends no token counts, to count it at the end. */
    private final StringBuilder generated = new StringBuilder(); // guarded by this

    private int inputTokens = -1; // guarded by this
    private int outputTokens; // guarded by this
    private boolean outputCounted = true; // guarded by this
    private String finishReason;
    private boolean promptReported; // responses of one call arrive one at a time

    public GenerationStream(
            GenerationRequest request,
            GenerationListener listener,
            TokenCounter counter,
            ClientCall<ModelInferRequest, ModelStreamInferResponse> call) {
        this(request, listener, counter, call, TensorLayout.vllm());
    }

    public GenerationStream(
            GenerationRequest request,
            GenerationListener listener,
            TokenCounter counter,
            ClientCall<ModelInferRequest, ModelStreamInferResponse> call,
            TensorLayout layout) {
        this.request = request;
        this.listener = listener;
        this.counter = counter;
        this.call = call;
        this.layout = layout;
    }

    /**
     * Encodes the request (may throw IllegalArgumentException before anything is sent) and starts the call. The call
     * carries this one request, so the client's side ends with it: the request and the end of the stream leave in one
     * write, and Triton ends the call once the request's last response is sent (its stream handler finishes a
     * half-closed stream when no request is in flight), so that end arrives with the last response. Ending the
     * client's side only after the final response cost a write of its own and a read of the server's end per call.
     */
    public GenerationStream start() {
        ModelInferRequest message = layout.encode(request);
        call.start(this, new Metadata());
        call.request(Integer.MAX_VALUE);
        call.sendMessage(message);
        endClientSide();
        return this;
    }

    /**
     * Half-closes, unless the call has been cancelled meanwhile: an answer can arrive before {@code start} gets here
     * (in-process at once) and an error message cancels the call, and a timeout or the client's leaving can cancel
     * it from another thread; gRPC refuses a half-close after a cancel. A call whose final response came already is
     * still half-closed: the server ends the call only once the client's side has ended.
     */
    private void endClientSide() {
        if (cancelled) {
            return;
        }
        try {
            call.halfClose();
        } catch (IllegalStateException cancelledMeanwhile) {
            if (!cancelled) {
                throw cancelledMeanwhile;
            }
        }
    }

    private void cancelCall(String reason) {
        cancelled = true;
        call.cancel(reason, null);
    }

    @Override
    public void onMessage(ModelStreamInferResponse message) {
        if (done.get()) {
            return;
        }
        if (!message.getErrorMessage().isEmpty()) {
            fail(Errors.fromStreamMessage(message.getErrorMessage(), request.requestId()));
            cancelCall("request failed");
            return;
        }
        TensorLayout.Decoded d = layout.decode(message.getInferResponse());
        if (d.finishReason() != null && !d.finishReason().isEmpty()) {
            finishReason = d.finishReason();
        }
        int n = count(d);
        if (d.inputTokens() >= 0 && !promptReported) {
            promptReported = true;
            listener.onPromptTokens(d.inputTokens());
        }
        if (!d.text().isEmpty()) {
            listener.onDelta(d.text(), n);
        }
        if (d.last() && done.compareAndSet(false, true)) {
            TokenUsage usage = usage();
            boolean hitMax = usage.completionTokens() >= request.maxTokens();
            listener.onComplete(VllmLayout.openAiFinishReason(finishReason, hitMax), usage);
        }
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
        if (status.isOk()) {
            fail(InferenceException.of(
                    InferenceException.Kind.BACKEND_ERROR,
                    request.requestId(),
                    "backend closed the stream before the final response"));
        } else {
            fail(Errors.fromStatus(status, request.requestId()));
        }
    }

    @Override
    public void cancel(String reason) {
        if (done.compareAndSet(false, true)) {
            cancelCall(reason);
        }
    }

    /** Adds the response's counts; returns the output tokens of its text (0 when the backend does not say). */
    private synchronized int count(TensorLayout.Decoded d) {
        if (d.inputTokens() >= 0 && inputTokens < 0) {
            inputTokens = d.inputTokens();
        }
        int n = d.outputTokens();
        if (n < 0) {
            if (!d.text().isEmpty()) {
                outputCounted = false;
                generated.append(d.text());
            }
            return 0;
        }
        outputTokens += n;
        return n;
    }

    /** What was generated so far; safe to call from any thread (e.g. a timeout). */
    public TokenUsage usageSoFar() {
        return usage();
    }

    private void fail(InferenceException e) {
        if (done.compareAndSet(false, true)) {
            listener.onError(e, usage());
        }
    }

    private synchronized TokenUsage usage() {
        boolean estimated = inputTokens < 0 || !outputCounted;
        int in = inputTokens >= 0 ? inputTokens : counter.count(request.prompt());
        int out = outputCounted ? outputTokens : counter.count(generated.toString());
        return new TokenUsage(in, out, estimated);
    }
}

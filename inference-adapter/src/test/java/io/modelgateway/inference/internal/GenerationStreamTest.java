package io.modelgateway.inference.internal;

import static org.assertj.core.api.Assertions.assertThat;

import inference.InferParameter;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import inference.ModelStreamInferResponse;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.modelgateway.inference.GenerationListener;
import io.modelgateway.inference.GenerationRequest;
import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.Tensors;
import io.modelgateway.inference.TokenCounter;
import io.modelgateway.inference.TokenUsage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The end of the client's side of a generation call, when the call has already ended before {@code start} gets to
 * it: an answer that arrives at once (an in-process transport delivers during {@code sendMessage}) and cancels the
 * call. The in-process test suite met this only now and then; here the answer arrives inside {@code sendMessage}
 * every time. The call is a stand-in because the timing cannot be forced on a real transport.
 */
class GenerationStreamTest {

    @Test
    void anAnswerThatEndsTheCallDuringSendIsReportedOnceAndNothingIsSentAfterIt() {
        List<String> events = new CopyOnWriteArrayList<>();
        AnsweringCall call = new AnsweringCall(false);
        GenerationRequest request = new GenerationRequest("r-1", "m", "hello", 8, true, Map.of());
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onDelta(String text, int outputTokens) {
                events.add("delta");
            }

            @Override
            public void onComplete(String finishReason, TokenUsage usage) {
                events.add("complete");
            }

            @Override
            public void onError(InferenceException error, TokenUsage usageSoFar) {
                events.add("error:" + error.getMessage());
            }
        };

        new GenerationStream(request, listener, TokenCounter.cl100k(), call).start();

        assertThat(events).containsExactly("error:Exceeds maximum queue size");
        assertThat(call.cancelled).isTrue();
        assertThat(call.halfClosed).as("no half-close after the cancel").isFalse();
    }

    @Test
    void aFinalResponseThatArrivesDuringSendStillLetsTheClientEndItsSide() {
        // the server ends the call only once the client's side has ended: without the half-close it stays open
        List<String> events = new CopyOnWriteArrayList<>();
        AnsweringCall call = new AnsweringCall(true);
        GenerationRequest request = new GenerationRequest("r-2", "m", "hello", 8, true, Map.of());
        GenerationListener listener = new GenerationListener() {
            @Override
            public void onDelta(String text, int outputTokens) {
                events.add("delta:" + text);
            }

            @Override
            public void onComplete(String finishReason, TokenUsage usage) {
                events.add("complete");
            }

            @Override
            public void onError(InferenceException error, TokenUsage usageSoFar) {
                events.add("error");
            }
        };

        new GenerationStream(request, listener, TokenCounter.cl100k(), call).start();

        assertThat(events).containsExactly("delta:hi", "complete");
        assertThat(call.cancelled).isFalse();
        assertThat(call.halfClosed).isTrue();
    }

    /**
     * Answers the request from within sendMessage (an error message, or one final response with text); refuses a
     * half-close once cancelled.
     */
    private static final class AnsweringCall extends ClientCall<ModelInferRequest, ModelStreamInferResponse> {
        private final boolean finalAnswer;
        private Listener<ModelStreamInferResponse> listener;
        boolean cancelled;
        boolean halfClosed;

        AnsweringCall(boolean finalAnswer) {
            this.finalAnswer = finalAnswer;
        }

        @Override
        public void start(Listener<ModelStreamInferResponse> responseListener, Metadata headers) {
            listener = responseListener;
        }

        @Override
        public void request(int numMessages) {}

        @Override
        public void sendMessage(ModelInferRequest message) {
            if (finalAnswer) {
                listener.onMessage(ModelStreamInferResponse.newBuilder()
                        .setInferResponse(ModelInferResponse.newBuilder()
                                .setId(message.getId())
                                .putParameters(
                                        "triton_final_response",
                                        InferParameter.newBuilder()
                                                .setBoolParam(true)
                                                .build())
                                .addOutputs(ModelInferResponse.InferOutputTensor.newBuilder()
                                        .setName("text_output")
                                        .setDatatype("BYTES")
                                        .addShape(1))
                                .addRawOutputContents(Tensors.encodeString("hi")))
                        .build());
                return;
            }
            listener.onMessage(ModelStreamInferResponse.newBuilder()
                    .setErrorMessage("Exceeds maximum queue size")
                    .setInferResponse(ModelInferResponse.newBuilder().setId(message.getId()))
                    .build());
        }

        @Override
        public void cancel(String message, Throwable cause) {
            cancelled = true;
        }

        @Override
        public void halfClose() {
            if (cancelled) {
                throw new IllegalStateException("call was cancelled"); // as io.grpc.internal.ClientCallImpl does
            }
            halfClosed = true;
        }
    }
}

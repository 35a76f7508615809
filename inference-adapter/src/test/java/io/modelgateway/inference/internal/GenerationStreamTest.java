package io.modelgateway.inference.internal;

import static org.assertj.core.api.Assertions.assertThat;

import inference.ModelInferRequest;
import inference.ModelInferResponse;
import inference.ModelStreamInferResponse;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.modelgateway.inference.GenerationListener;
import io.modelgateway.inference.GenerationRequest;
import io.modelgateway.inference.InferenceException;
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
        AnsweringCall call = new AnsweringCall();
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

    /** Answers the request with an error message from within sendMessage; refuses a half-close once cancelled. */
    private static final class AnsweringCall extends ClientCall<ModelInferRequest, ModelStreamInferResponse> {
        private Listener<ModelStreamInferResponse> listener;
        boolean cancelled;
        boolean halfClosed;

        @Override
        public void start(Listener<ModelStreamInferResponse> responseListener, Metadata headers) {
            listener = responseListener;
        }

        @Override
        public void request(int numMessages) {}

        @Override
        public void sendMessage(ModelInferRequest message) {
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

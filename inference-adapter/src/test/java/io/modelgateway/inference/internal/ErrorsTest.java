package io.modelgateway.inference.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.InferenceException.Kind;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "NOT_FOUND, MODEL_NOT_FOUND",
        "INVALID_ARGUMENT, INVALID_REQUEST",
        "UNAVAILABLE, UNAVAILABLE",
        "DEADLINE_EXCEEDED, TIMEOUT",
        "CANCELLED, CANCELLED",
        "INTERNAL, BACKEND_ERROR",
        "UNKNOWN, BACKEND_ERROR",
        "UNIMPLEMENTED, BACKEND_ERROR",
        "ALREADY_EXISTS, BACKEND_ERROR",
        "RESOURCE_EXHAUSTED, UNAVAILABLE",
    })
    void statusCodes(Status.Code code, Kind kind) {
        InferenceException e = Errors.fromStatus(Status.fromCode(code).withDescription("why"), "req-7");
        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.requestId()).isEqualTo("req-7");
        assertThat(e.getMessage()).isEqualTo("why");
    }

    @Test
    void statusWithoutDescriptionUsesTheCodeNameAndKeepsTheCause() {
        IOException cause = new IOException("connection refused");
        InferenceException e = Errors.fromStatus(Status.UNAVAILABLE.withCause(cause), "r");
        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(e.getMessage()).isEqualTo("UNAVAILABLE");
        assertThat(e.getCause()).isSameAs(cause);
    }

    @Test
    void tritonsNotFoundDescription() {
        InferenceException e =
                Errors.fromStatus(Status.NOT_FOUND.withDescription("Request for unknown model: 'x' is not found"), "r");
        assertThat(e.kind()).isEqualTo(Kind.MODEL_NOT_FOUND);
        assertThat(e.getMessage()).isEqualTo("Request for unknown model: 'x' is not found");
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "Request for unknown model: 'x' is not found | MODEL_NOT_FOUND",
                "Request for unknown model: 'llama' has no available versions | MODEL_NOT_FOUND",
                "unexpected shape for input 'text_input' for model 'vllm_model'. Expected [1], got [1,1] | INVALID_REQUEST",
                "[request id: abc] inference input 'text_input' data-type is 'INT32', but model 'm' expects 'BYTES' | INVALID_REQUEST",
                "[request id: abc] expected 1 inputs but got 0 inputs for model 'm' | INVALID_REQUEST",
                "unexpected number of string elements 2 for inference input 'text_input', expecting 1 | INVALID_REQUEST",
                "Exceeds maximum queue size | UNAVAILABLE",
                "Request timeout expired | UNAVAILABLE",
                "Server not ready | UNAVAILABLE",
                "GRPC server is shutting down and has stopped accepting new requests. | UNAVAILABLE",
                "Request was cancelled | CANCELLED",
                "Error generating stream: CUDA out of memory. Tried to allocate 2.00 GiB | BACKEND_ERROR",
                "something else went wrong | BACKEND_ERROR",
                "Unexpected error in the engine | BACKEND_ERROR",
                "This model's maximum model length is 4096 tokens, but the request has 5000 | INVALID_REQUEST",
                "max_tokens must be at least 1, got 0. | INVALID_REQUEST",
            })
    void streamMessages(String message, Kind kind) {
        InferenceException e = Errors.fromStreamMessage(message, "req-9");
        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.getMessage()).isEqualTo(message);
        assertThat(e.requestId()).isEqualTo("req-9");
    }

    @Test
    void classificationIsCaseInsensitive() {
        assertThat(Errors.fromStreamMessage("EXCEEDS MAXIMUM QUEUE SIZE", "r").kind())
                .isEqualTo(Kind.UNAVAILABLE);
        assertThat(Errors.fromStreamMessage("REQUEST FOR UNKNOWN MODEL: 'X' IS NOT FOUND", "r")
                        .kind())
                .isEqualTo(Kind.MODEL_NOT_FOUND);
    }

    @Test
    void exceptionsAreCheap() {
        InferenceException e = Errors.fromStreamMessage("Exceeds maximum queue size", "r");
        assertThat(e.getStackTrace()).isEmpty();
    }
}

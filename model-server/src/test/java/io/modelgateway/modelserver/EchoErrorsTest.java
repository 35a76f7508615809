package io.modelgateway.modelserver;

import static io.modelgateway.inference.TensorNames.EXCLUDE_INPUT_IN_OUTPUT;
import static io.modelgateway.inference.TensorNames.SAMPLING_PARAMETERS;
import static io.modelgateway.inference.TensorNames.TEXT_INPUT;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import inference.InferParameter;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelStreamInferResponse;
import io.grpc.Status;
import io.modelgateway.inference.Tensors;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EchoErrorsTest {

    private static ModelServer server;
    private static TestClient client;

    @BeforeAll
    static void start() {
        server = ModelServer.builder().port(0).embeddings(false).start();
        client = new TestClient(server);
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.close();
    }

    @Test
    void unknownModelInAStreamIsAnErrorMessageAndTheStreamStaysOpen() throws Exception {
        TestStream stream = client.openStream();
        stream.send(Protocol.echo("u1", "hi", true).setModelName("nope").build());
        ModelStreamInferResponse error = stream.next();
        assertThat(error.getErrorMessage()).isEqualTo("Request for unknown model: 'nope' is not found");
        assertThat(error.getInferResponse().getId()).isEqualTo("u1");
        assertThat(error.getInferResponse().getModelName()).isEmpty();
        assertThat(error.getInferResponse().getParametersMap()).isEmpty();

        stream.send(Protocol.echo("u2", "still open", true).build());
        assertThat(stream.untilFinal())
                .hasSize(2)
                .allMatch(r -> r.getInferResponse().getId().equals("u2"));
        stream.halfClose();
        assertThat(stream.awaitClosed()).isEqualTo(Status.OK);
    }

    @Test
    void unaryInferRefusesTheDecoupledModel() {
        ServerApiTest.assertStatus(
                () -> client.blocking.modelInfer(Protocol.echo("x", "hi", false).build()),
                Status.Code.UNIMPLEMENTED,
                "ModelInfer RPC doesn't support models with decoupled transaction policy");
        ServerApiTest.assertStatus(
                () -> client.blocking.modelInfer(
                        Protocol.echo("x", "hi", false).setModelName("nope").build()),
                Status.Code.NOT_FOUND,
                "Request for unknown model: 'nope' is not found");
    }

    @Test
    void wrongDatatype() throws Exception {
        ModelInferRequest.Builder r = Protocol.request("echo", "dt");
        Protocol.rawInput(r, TEXT_INPUT, "INT32", List.of(1L), Tensors.encodeInt32(7));
        assertIssueError(r, "inference input 'text_input' data-type is 'INT32', but model 'echo' expects 'BYTES'");
    }

    @Test
    void wrongShape() throws Exception {
        ModelInferRequest.Builder r = Protocol.request("echo", "sh");
        Protocol.rawInput(r, TEXT_INPUT, "BYTES", List.of(1L, 1L), Tensors.encodeString("hi"));
        assertIssueError(r, "unexpected shape for input 'text_input' for model 'echo'. Expected [1], got [1,1]");
    }

    @Test
    void missingRequiredInput() throws Exception {
        ModelInferRequest.Builder r = Protocol.bool(Protocol.request("echo", "mi"), "stream", true);
        assertIssueError(r, "missing required input(s) ['text_input']");
    }

    @Test
    void wrongNumberOfStrings() throws Exception {
        ModelInferRequest.Builder r = Protocol.request("echo", "ns");
        Protocol.rawInput(r, TEXT_INPUT, "BYTES", List.of(1L), Tensors.encodeStrings(List.of("a", "b")));
        assertIssueError(r, "unexpected number of string elements 2 for inference input 'text_input'");
    }

    @Test
    void truncatedBytes() throws Exception {
        ModelInferRequest.Builder r = Protocol.request("echo", "tb");
        Protocol.rawInput(r, TEXT_INPUT, "BYTES", List.of(1L), ByteString.copyFrom(new byte[] {9, 0, 0, 0, 'a'}));
        assertIssueError(r, "malformed BYTES data");
    }

    @Test
    void mixingRawAndContents() throws Exception {
        ModelInferRequest.Builder r = Protocol.request("echo", "mx");
        Protocol.text(r, TEXT_INPUT, "hi");
        r.setInputs(
                0,
                r.getInputs(0).toBuilder()
                        .setContents(InferTensorContents.newBuilder().addBytesContents(ByteString.copyFromUtf8("hi"))));
        assertIssueError(r, "contents field must not be specified when using raw_input_contents");
    }

    @Test
    void unknownInputAndOutput() throws Exception {
        assertIssueError(
                Protocol.bool(Protocol.echo("ui", "hi", true), "temperature", true),
                "unexpected inference input 'temperature' for model 'echo'");
        assertIssueError(
                Protocol.echo("uo", "hi", true)
                        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                                .setName("logits")),
                "unexpected inference output 'logits' for model 'echo'");
    }

    @Test
    void reservedTritonParameters() throws Exception {
        assertIssueError(
                Protocol.flagParam(Protocol.echo("tp", "hi", true), "triton_something", true),
                "parameter keys starting with 'triton_' are reserved");
        assertIssueError(
                Protocol.echo("tp2", "hi", true)
                        .putParameters(
                                "triton_enable_empty_final_response",
                                InferParameter.newBuilder()
                                        .setStringParam("true")
                                        .build()),
                "expected bool_param");
        assertIssueError(
                Protocol.echo("tp3", "hi", true)
                        .putParameters(
                                "seed",
                                InferParameter.newBuilder().setUint64Param(1).build()),
                "uint64_param");
    }

    @Test
    void streamingWithPromptEchoIsAModelError() throws Exception {
        assertModelError(
                Protocol.bool(Protocol.echo("se", "hi", true), EXCLUDE_INPUT_IN_OUTPUT, false),
                "Streaming with `exclude_input_in_output=False` is not allowed.");
    }

    @Test
    void badSamplingParametersAreModelErrors() throws Exception {
        assertModelError(
                Protocol.text(Protocol.echo("j1", "hi", true), SAMPLING_PARAMETERS, "{not json"),
                "sampling_parameters is not valid JSON");
        assertModelError(
                Protocol.text(Protocol.echo("j2", "hi", true), SAMPLING_PARAMETERS, "[1]"), "must be a JSON object");
        assertModelError(Protocol.maxTokens(Protocol.echo("j3", "hi", true), "many"), "max_tokens must be an integer");
        assertModelError(Protocol.maxTokens(Protocol.echo("j4", "hi", true), 0), "max_tokens must be at least 1");
    }

    @Test
    void grpcErrorModeEndsTheStreamWithTheStatus() throws Exception {
        TestStream stream = client.openStreamWithGrpcErrors();
        stream.send(Protocol.echo("g1", "fine", true).build());
        assertThat(stream.untilFinal()).hasSize(1);
        stream.send(Protocol.echo("g2", "hi", true).setModelName("nope").build());
        Status status = stream.awaitClosed();
        assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status.getDescription()).isEqualTo("Request for unknown model: 'nope' is not found");
    }

    private static void assertIssueError(ModelInferRequest.Builder request, String messagePart) throws Exception {
        ModelStreamInferResponse error = single(request);
        assertThat(error.getErrorMessage()).contains(messagePart);
        assertThat(error.getInferResponse().getId()).isEqualTo(request.getId());
        assertThat(Protocol.hasFinalFlag(error)).isFalse();
        assertThat(error.getInferResponse().getOutputsCount()).isZero();
    }

    private static void assertModelError(ModelInferRequest.Builder request, String messagePart) throws Exception {
        ModelStreamInferResponse error = single(request);
        assertThat(error.getErrorMessage()).contains(messagePart);
        assertThat(error.getInferResponse().getId()).isEqualTo(request.getId());
        assertThat(error.getInferResponse().getModelName()).isEqualTo("echo");
        assertThat(Protocol.isFinal(error)).isTrue();
    }

    private static ModelStreamInferResponse single(ModelInferRequest.Builder request) throws Exception {
        TestStream stream = client.openStream();
        stream.send(request.build());
        stream.halfClose();
        ModelStreamInferResponse response = stream.next();
        assertThat(stream.awaitClosed()).isEqualTo(Status.OK);
        assertThat(stream.responses).isEmpty();
        return response;
    }
}

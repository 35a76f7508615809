package io.modelgateway.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import inference.ModelInferRequest;
import inference.ModelReadyRequest;
import inference.ModelStreamInferResponse;
import inference.ServerReadyRequest;
import io.grpc.Status;
import io.modelgateway.inference.Tensors;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code echo-ensemble} on the wire: batch dimension, typed inputs, INT32 counts; and the test switches. */
class EnsembleEchoModelTest {

    private static ModelServer server;
    private static TestClient client;

    @BeforeAll
    static void start() {
        server = ModelServer.builder().port(0).embeddings(false).ensemble(true).start();
        client = new TestClient(server);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        client.close();
        server.close();
    }

    private static ModelInferRequest.Builder ensemble(String id, String prompt, int maxTokens, long batch) {
        ModelInferRequest.Builder r = Protocol.request(ModelServer.ECHO_ENSEMBLE_MODEL, id);
        Protocol.rawInput(
                r,
                "text_input",
                "BYTES",
                List.of(batch, 1L),
                Tensors.encodeStrings(java.util.Collections.nCopies((int) batch, prompt)));
        Protocol.rawInput(
                r,
                "max_tokens",
                "INT32",
                List.of(batch, 1L),
                Tensors.encodeInt32(java.util.stream.IntStream.range(0, (int) batch)
                        .map(i -> maxTokens)
                        .toArray()));
        return r;
    }

    @Test
    void answersWithBatchShapedInt32Outputs() throws Exception {
        ModelInferRequest.Builder r = ensemble("e1", "a b c", 8, 1);
        Protocol.rawInput(r, "return_num_input_tokens", "BOOL", List.of(1L, 1L), Tensors.encodeBool(true));
        Protocol.rawInput(r, "return_num_output_tokens", "BOOL", List.of(1L, 1L), Tensors.encodeBool(true));
        TestStream stream = client.openStream();
        stream.send(r.build());
        List<ModelStreamInferResponse> responses = stream.untilFinal();
        var data = responses.get(0).getInferResponse();
        assertThat(Protocol.string(data, "text_output")).isEqualTo("a b ca b c");
        assertThat(data.getOutputsList())
                .allSatisfy(o -> assertThat(o.getShapeList()).containsExactly(1L, 1L));
        assertThat(data.getOutputsList())
                .filteredOn(o -> o.getName().startsWith("num_"))
                .allSatisfy(o -> assertThat(o.getDatatype()).isEqualTo("INT32"));
        assertThat(Protocol.int32(data, "num_output_tokens")).isEqualTo(3);
        stream.halfClose();
    }

    @Test
    void refusesAMissingBatchDimensionAndBatchesOfMoreThanOne() throws Exception {
        TestStream stream = client.openStream();
        ModelInferRequest.Builder flat = Protocol.request(ModelServer.ECHO_ENSEMBLE_MODEL, "flat");
        Protocol.text(flat, "text_input", "a");
        Protocol.rawInput(flat, "max_tokens", "INT32", List.of(1L), Tensors.encodeInt32(4));
        stream.send(flat.build());
        assertThat(stream.next().getErrorMessage()).contains("unexpected shape");
        stream.send(ensemble("two", "a", 4, 2).build());
        assertThat(stream.next().getErrorMessage()).contains("one sequence per request");
        stream.halfClose();
    }

    @Test
    void reportReadyFalseDrainsButKeepsServing() throws Exception {
        server.reportReady(false);
        try {
            assertThat(client.blocking
                            .serverReady(ServerReadyRequest.getDefaultInstance())
                            .getReady())
                    .isFalse();
            assertThat(client.blocking
                            .modelReady(ModelReadyRequest.newBuilder()
                                    .setName("echo")
                                    .build())
                            .getReady())
                    .isFalse();
            TestStream stream = client.openStream();
            stream.send(Protocol.echo("drain", "still here", false).build());
            assertThat(Protocol.string(stream.untilFinal().get(0).getInferResponse(), "text_output"))
                    .endsWith("still here");
            stream.halfClose();
        } finally {
            server.reportReady(true);
        }
        assertThat(client.blocking
                        .serverReady(ServerReadyRequest.getDefaultInstance())
                        .getReady())
                .isTrue();
    }

    @Test
    void failNextFailsExactlyThatManyRequests() throws Exception {
        server.failNext(2, Status.Code.UNAVAILABLE);
        TestStream stream = client.openStream();
        for (int i = 0; i < 2; i++) {
            stream.send(Protocol.echo("f" + i, "x", false).build());
            assertThat(stream.next().getErrorMessage()).isEqualTo("injected failure: unavailable");
        }
        stream.send(Protocol.echo("ok", "x", false).build());
        assertThat(stream.untilFinal()).isNotEmpty();
        stream.halfClose();
    }

    @Test
    void failMidStreamSendsSomeTokensThenAnError() throws Exception {
        server.failMidStream(1, 2);
        TestStream stream = client.openStream();
        stream.send(Protocol.echo("m1", "one two three four five", true).build());
        for (int i = 0; i < 2; i++) {
            ModelStreamInferResponse token = stream.next();
            assertThat(token.getErrorMessage()).isEmpty();
            assertThat(token.getInferResponse().getOutputsList()).isNotEmpty();
        }
        assertThat(stream.next().getErrorMessage()).isEqualTo("injected failure mid-stream");
        stream.send(Protocol.echo("m2", "whole again", true).build());
        assertThat(stream.untilFinal())
                .isNotEmpty()
                .allMatch(r -> r.getErrorMessage().isEmpty());
        stream.halfClose();
    }
}

package io.modelgateway.modelserver;

import static io.modelgateway.inference.TensorNames.EXCLUDE_INPUT_IN_OUTPUT;
import static io.modelgateway.inference.TensorNames.FINISH_REASON;
import static io.modelgateway.inference.TensorNames.NUM_INPUT_TOKENS;
import static io.modelgateway.inference.TensorNames.NUM_OUTPUT_TOKENS;
import static io.modelgateway.inference.TensorNames.TEXT_OUTPUT;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import inference.ModelStreamInferResponse;
import io.grpc.Status;
import io.modelgateway.inference.TensorNames;
import io.modelgateway.inference.Tensors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EchoGenerationTest {

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
    void streamsOneDeltaPerWordWithCountsAndFinalFlags() throws Exception {
        String prompt = "one two  three\tfour five";
        List<ModelStreamInferResponse> responses = run(Protocol.maxTokens(Protocol.echo("s1", prompt, true), 10));

        assertThat(responses).hasSize(5).allSatisfy(r -> {
            assertThat(r.getErrorMessage()).isEmpty();
            assertThat(r.getInferResponse().getId()).isEqualTo("s1");
            assertThat(r.getInferResponse().getModelName()).isEqualTo("echo");
            assertThat(r.getInferResponse().getModelVersion()).isEqualTo("1");
            assertThat(Protocol.hasFinalFlag(r)).isTrue();
            assertThat(Protocol.int32(r.getInferResponse(), NUM_INPUT_TOKENS)).isEqualTo(5);
            assertThat(Protocol.int32(r.getInferResponse(), NUM_OUTPUT_TOKENS)).isEqualTo(1);
        });
        assertThat(deltas(responses)).containsExactly("one", " two", " three", " four", " five");
        assertThat(responses).extracting(Protocol::isFinal).containsExactly(false, false, false, false, true);
        ModelInferResponse last = responses.get(4).getInferResponse();
        assertThat(Protocol.string(last, FINISH_REASON)).isEqualTo("stop");
        assertThat(responses.subList(0, 4))
                .noneMatch(r -> Protocol.outputs(r.getInferResponse()).containsKey(FINISH_REASON));
        assertThat(last.getOutputsList())
                .extracting(o -> o.getName() + ":" + o.getDatatype() + ":" + o.getShapeList())
                .containsExactly(
                        "text_output:BYTES:[1]",
                        "finish_reason:BYTES:[1]",
                        "num_input_tokens:UINT32:[1]",
                        "num_output_tokens:UINT32:[1]");
    }

    @Test
    void maxTokensCutsTheTextWithFinishReasonLength() throws Exception {
        List<ModelStreamInferResponse> responses = run(Protocol.maxTokens(Protocol.echo("s2", "a b c d e f", true), 3));
        assertThat(String.join("", deltas(responses))).isEqualTo("a b c");
        assertThat(responses.stream()
                        .mapToInt(r -> Protocol.int32(r.getInferResponse(), NUM_OUTPUT_TOKENS))
                        .sum())
                .isEqualTo(3);
        assertThat(Protocol.string(responses.get(2).getInferResponse(), FINISH_REASON))
                .isEqualTo("length");
        assertThat(Protocol.int32(responses.get(0).getInferResponse(), NUM_INPUT_TOKENS))
                .isEqualTo(6);
    }

    @Test
    void maxTokensDefaultsTo16AndAcceptsStringsAndRequestParameters() throws Exception {
        String words =
                java.util.stream.IntStream.range(0, 20).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
        assertThat(run(Protocol.echo("d", words, true))).hasSize(16);
        assertThat(run(Protocol.maxTokens(Protocol.echo("str", words, true), "2")))
                .hasSize(2);
        assertThat(run(Protocol.param(Protocol.echo("par", words, true), "max_tokens", 4)))
                .hasSize(4);
    }

    @Test
    void emptyFinalResponseWhenEnabled() throws Exception {
        ModelInferRequest.Builder request = Protocol.flagParam(
                Protocol.echo("e1", "hello there", true), TensorNames.ENABLE_EMPTY_FINAL_RESPONSE, true);
        List<ModelStreamInferResponse> responses = run(request);

        assertThat(responses).hasSize(3);
        assertThat(responses).extracting(Protocol::isFinal).containsExactly(false, false, true);
        assertThat(responses).allMatch(Protocol::hasFinalFlag);
        assertThat(Protocol.string(responses.get(1).getInferResponse(), FINISH_REASON))
                .isEqualTo("stop");
        ModelInferResponse empty = responses.get(2).getInferResponse();
        assertThat(empty.getId()).isEqualTo("e1");
        assertThat(empty.getModelName()).isEqualTo("echo");
        assertThat(empty.getModelVersion()).isEqualTo("1");
        assertThat(empty.getOutputsCount()).isZero();
        assertThat(empty.getRawOutputContentsCount()).isZero();
    }

    @Test
    void nonStreamingEchoesThePromptByDefault() throws Exception {
        List<ModelStreamInferResponse> responses = run(Protocol.echo("n1", "the quick fox", false));
        assertThat(responses).hasSize(1);
        ModelInferResponse r = responses.get(0).getInferResponse();
        assertThat(Protocol.isFinal(responses.get(0))).isTrue();
        assertThat(Protocol.string(r, TEXT_OUTPUT)).isEqualTo("the quick foxthe quick fox");
        assertThat(Protocol.string(r, FINISH_REASON)).isEqualTo("stop");
        assertThat(Protocol.int32(r, NUM_INPUT_TOKENS)).isEqualTo(3);
        assertThat(Protocol.int32(r, NUM_OUTPUT_TOKENS)).isEqualTo(3);
    }

    @Test
    void nonStreamingWithoutPromptEcho() throws Exception {
        ModelInferRequest.Builder request = Protocol.bool(
                Protocol.maxTokens(Protocol.echo("n2", "the quick brown fox", false), 2),
                EXCLUDE_INPUT_IN_OUTPUT,
                true);
        ModelInferResponse r = run(request).get(0).getInferResponse();
        assertThat(Protocol.string(r, TEXT_OUTPUT)).isEqualTo("the quick");
        assertThat(Protocol.string(r, FINISH_REASON)).isEqualTo("length");
        assertThat(Protocol.int32(r, NUM_OUTPUT_TOKENS)).isEqualTo(2);
    }

    @Test
    void onlyTextOutputWithoutReturnFlags() throws Exception {
        ModelInferRequest.Builder request = Protocol.request("echo", "plain");
        Protocol.text(request, TensorNames.TEXT_INPUT, "x y");
        List<ModelStreamInferResponse> responses = run(request);
        assertThat(responses).hasSize(1);
        assertThat(Protocol.outputs(responses.get(0).getInferResponse())).containsOnlyKeys(TEXT_OUTPUT);
        assertThat(Protocol.string(responses.get(0).getInferResponse(), TEXT_OUTPUT))
                .isEqualTo("x yx y");
    }

    @Test
    void nonAsciiTextRoundTripsByteExactly() throws Exception {
        String prompt = "héllo 世界 🚀";
        List<ModelStreamInferResponse> responses = run(Protocol.echo("u", prompt, true));
        ByteString joined = ByteString.EMPTY;
        for (ModelStreamInferResponse r : responses) {
            joined = joined.concat(ByteString.copyFrom(
                    Tensors.decodeBytes(Protocol.outputs(r.getInferResponse()).get(TEXT_OUTPUT))
                            .get(0)));
        }
        assertThat(joined.toByteArray()).isEqualTo(prompt.getBytes(StandardCharsets.UTF_8));
        assertThat(Protocol.int32(responses.get(0).getInferResponse(), NUM_INPUT_TOKENS))
                .isEqualTo(3);
    }

    @Test
    void blankPromptAnswersOk() throws Exception {
        List<ModelStreamInferResponse> responses = run(Protocol.echo("b", "  ", true));
        assertThat(deltas(responses)).containsExactly("ok");
        assertThat(Protocol.int32(responses.get(0).getInferResponse(), NUM_INPUT_TOKENS))
                .isZero();
        assertThat(Protocol.string(responses.get(0).getInferResponse(), FINISH_REASON))
                .isEqualTo("stop");
    }

    @Test
    void acceptsTypedContentsInsteadOfRawInputs() throws Exception {
        ModelInferRequest.Builder request = Protocol.request("echo", "c1");
        Protocol.contentsInput(
                request,
                TensorNames.TEXT_INPUT,
                "BYTES",
                List.of(1L),
                InferTensorContents.newBuilder()
                        .addBytesContents(ByteString.copyFromUtf8("über alles"))
                        .build());
        Protocol.contentsInput(
                request,
                TensorNames.STREAM,
                "BOOL",
                List.of(1L),
                InferTensorContents.newBuilder().addBoolContents(true).build());
        assertThat(deltas(run(request))).containsExactly("über", " alles");
    }

    @Test
    void requestedOutputsFilterTheResponse() throws Exception {
        ModelInferRequest.Builder request = Protocol.echo("o1", "a b", true)
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                        .setName(NUM_OUTPUT_TOKENS));
        List<ModelStreamInferResponse> responses = run(request);
        assertThat(responses)
                .allSatisfy(
                        r -> assertThat(Protocol.outputs(r.getInferResponse())).containsOnlyKeys(NUM_OUTPUT_TOKENS));
    }

    @Test
    void requestsOnOneStreamInterleaveAndAllComplete() throws Exception {
        TestStream stream = client.openStream();
        for (String id : List.of("A", "B")) {
            stream.send(Protocol.param(Protocol.echo(id, "r1 r2 r3 r4 r5", true), "echo_tokens_per_second", 50)
                    .build());
        }
        stream.halfClose();
        List<ModelStreamInferResponse> all = new ArrayList<>();
        Set<String> finished = new HashSet<>();
        while (finished.size() < 2) {
            ModelStreamInferResponse r = stream.next();
            all.add(r);
            if (Protocol.isFinal(r)) {
                finished.add(r.getInferResponse().getId());
            }
        }
        assertThat(stream.awaitClosed()).isEqualTo(Status.OK);
        for (String id : List.of("A", "B")) {
            List<ModelStreamInferResponse> mine = all.stream()
                    .filter(r -> r.getInferResponse().getId().equals(id))
                    .toList();
            assertThat(String.join("", deltas(mine))).isEqualTo("r1 r2 r3 r4 r5");
        }
        List<String> ids = all.stream().map(r -> r.getInferResponse().getId()).toList();
        assertThat(ids.indexOf("B")).as("B starts before A ends: %s", ids).isLessThan(ids.lastIndexOf("A"));
    }

    private static List<ModelStreamInferResponse> run(ModelInferRequest.Builder request) throws Exception {
        TestStream stream = client.openStream();
        stream.send(request.build());
        stream.halfClose();
        List<ModelStreamInferResponse> responses = stream.untilFinal();
        assertThat(stream.awaitClosed()).isEqualTo(Status.OK);
        assertThat(stream.responses).isEmpty();
        return responses;
    }

    private static List<String> deltas(List<ModelStreamInferResponse> responses) {
        return responses.stream()
                .map(r -> Protocol.string(r.getInferResponse(), TEXT_OUTPUT))
                .toList();
    }
}

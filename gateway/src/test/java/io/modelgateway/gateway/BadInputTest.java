package io.modelgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Bad input of every kind gets a 4xx in OpenAI's error shape: never a 5xx, a hang or a stack trace. */
class BadInputTest extends GatewayTestBase {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Stream<Arguments> badChatBodies() {
        return Stream.of(
                Arguments.of("malformed JSON", "{\"model\": \"echo\", \"messages\": [", 400, null),
                Arguments.of("not an object", "[1, 2, 3]", 400, null),
                Arguments.of("empty body", "", 400, null),
                Arguments.of("missing model", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400, "model"),
                Arguments.of(
                        "model of wrong type",
                        "{\"model\":42,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        400,
                        "model"),
                Arguments.of("messages of wrong type", "{\"model\":\"echo\",\"messages\":\"hi\"}", 400, "messages"),
                Arguments.of("empty messages", "{\"model\":\"echo\",\"messages\":[]}", 400, "messages"),
                Arguments.of(
                        "message without role",
                        "{\"model\":\"echo\",\"messages\":[{\"content\":\"hi\"}]}",
                        400,
                        "messages[0].role"),
                Arguments.of(
                        "unknown role",
                        "{\"model\":\"echo\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}",
                        400,
                        "messages[0].role"),
                Arguments.of(
                        "content of wrong type",
                        "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":5}]}",
                        400,
                        "messages[0].content"),
                Arguments.of(
                        "unknown field",
                        "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"frobnicate\":true}",
                        400,
                        "frobnicate"),
                Arguments.of(
                        "max_tokens of wrong type",
                        "{\"model\":\"echo\",\"max_tokens\":\"ten\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        400,
                        "max_tokens"),
                Arguments.of(
                        "max_tokens zero",
                        "{\"model\":\"echo\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        400,
                        "max_tokens"),
                Arguments.of(
                        "max_tokens above the deployment limit",
                        "{\"model\":\"echo\",\"max_tokens\":999999,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        400,
                        "max_tokens"),
                Arguments.of(
                        "stream of wrong type",
                        "{\"model\":\"echo\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        400,
                        "stream"),
                Arguments.of(
                        "stream_options without stream",
                        "{\"model\":\"echo\",\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        400,
                        "stream_options"),
                Arguments.of(
                        "duplicate key",
                        "{\"model\":\"echo\",\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        400,
                        null),
                Arguments.of(
                        "image content part",
                        "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}",
                        400,
                        "messages[0].content[0].type"),
                Arguments.of(
                        "embedding deployment on chat",
                        "{\"model\":\"all-minilm-l6-v2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        400,
                        "model"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badChatBodies")
    void badChatBodyIs4xxInOpenAiShape(String name, String body, int status, String param) throws Exception {
        HttpResponse<String> r =
                post("/v1/chat/completions", body.getBytes(StandardCharsets.UTF_8), "application/json");
        assertOpenAiError(r, status);
        if (param != null) {
            assertThat(error(r).get("param").asString()).isEqualTo(param);
        }
    }

    @Test
    void invalidUtf8Is400() throws Exception {
        byte[] body = "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"XX\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        int at = new String(body, StandardCharsets.UTF_8).indexOf("XX");
        body[at] = (byte) 0xC3;
        body[at + 1] = (byte) 0x28;
        assertOpenAiError(post("/v1/chat/completions", body, "application/json"), 400);
    }

    @Test
    void hugeBodyIs413() throws Exception {
        String big = "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "a".repeat(5 * 1024 * 1024)
                + "\"}]}";
        assertOpenAiError(post("/v1/chat/completions", big.getBytes(StandardCharsets.UTF_8), "application/json"), 413);
    }

    @Test
    void wrongContentTypeIs415() throws Exception {
        assertOpenAiError(
                post("/v1/chat/completions", "model=echo".getBytes(StandardCharsets.UTF_8), "text/plain"), 415);
    }

    @Test
    void badEmbeddingInputsAre400() throws Exception {
        for (String body : new String[] {
            "{\"model\":\"all-minilm-l6-v2\"}",
            "{\"model\":\"all-minilm-l6-v2\",\"input\":\"\"}",
            "{\"model\":\"all-minilm-l6-v2\",\"input\":[]}",
            "{\"model\":\"all-minilm-l6-v2\",\"input\":[1,2,3]}",
            "{\"model\":\"all-minilm-l6-v2\",\"input\":\"hi\",\"encoding_format\":\"hex\"}",
            "{\"model\":\"echo\",\"input\":\"hi\"}"
        }) {
            HttpResponse<String> r = post("/v1/embeddings", body.getBytes(StandardCharsets.UTF_8), "application/json");
            assertOpenAiError(r, 400);
            assertThat(error(r).get("param").isNull()).as(body).isFalse();
        }
    }

    @Test
    void unknownPathAndWrongMethodAreOpenAiShaped() throws Exception {
        assertOpenAiError(post("/v1/nothing-here", "{}".getBytes(StandardCharsets.UTF_8), "application/json"), 404);
        HttpResponse<String> get = HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                        .header("Authorization", "Bearer " + KEY)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertOpenAiError(get, 405);
    }

    @Test
    void azurePathWithoutApiVersionIs400() throws Exception {
        HttpResponse<String> r = post(
                "/openai/deployments/echo/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(StandardCharsets.UTF_8),
                "application/json");
        assertOpenAiError(r, 400);
        assertThat(error(r).get("param").asString()).isEqualTo("api-version");
    }

    @Test
    void missingKeyIs401() throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/models"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertOpenAiError(r, 401);
        assertThat(error(r).get("code").asString()).isEqualTo("missing_api_key");
    }

    private HttpResponse<String> post(String path, byte[] body, String contentType) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + KEY)
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode error(HttpResponse<String> r) {
        return JSON.readTree(r.body()).get("error");
    }

    private static void assertOpenAiError(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
        JsonNode error = error(r);
        assertThat(error).isNotNull();
        assertThat(error.get("message").asString()).isNotBlank();
        assertThat(error.has("type")).isTrue();
        assertThat(error.has("param")).isTrue();
        assertThat(error.has("code")).isTrue();
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }
}

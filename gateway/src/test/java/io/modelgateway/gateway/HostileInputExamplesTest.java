package io.modelgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each input the security review (and the fuzz suite) found answered with a 5xx, a 502 or after seconds of
 * CPU, now a 4xx in OpenAI's shape naming the parameter: huge exponents, numbers out of range, texts longer
 * than their column, times past year 9999, NUL characters, limits the buckets cannot hold, things that do not
 * exist, and a {@code Content-Type} that is not a media type.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputExamplesTest extends GatewayTestBase {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TENANT =
            "hostile-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String CHAT = "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],";

    @BeforeAll
    void tenant() {
        admin().createTenant(TENANT, "echo");
        awaitEmbeddingModel();
    }

    static Stream<Arguments> refused() {
        String credits = "/admin/v1/tenants/" + TENANT + "/credits";
        String x300 = "x".repeat(300);
        return Stream.of(
                // numbers
                Arguments.of(
                        "POST", credits + "/adjustments", "{\"amount\":\"1e10000000\",\"note\":\"n\"}", 400, "amount"),
                Arguments.of("POST", credits + "/adjustments", "{\"amount\":-1e99999,\"note\":\"n\"}", 400, "amount"),
                Arguments.of("POST", credits + "/grants", "{\"amount\":\"1e-99999\"}", 400, "amount"),
                Arguments.of(
                        "POST",
                        credits + "/grants",
                        "{\"amount\":\"1\",\"expires_at\":99999999999999999}",
                        400,
                        "expires_at"),
                Arguments.of(
                        "POST", credits + "/grants", "{\"amount\":\"1\",\"expires_at\":\"soon\"}", 400, "expires_at"),
                Arguments.of(
                        "POST",
                        "/admin/v1/prices/echo",
                        "{\"input_per_1m\":\"1\",\"output_per_1m\":\"1\"," + "\"effective_from\":-5}",
                        400,
                        "effective_from"),
                Arguments.of(
                        "POST", "/v1/chat/completions", CHAT + "\"logprobs\":1000000000000000000}", 400, "logprobs"),
                Arguments.of(
                        "POST",
                        "/v1/completions",
                        "{\"model\":\"echo\",\"prompt\":\"hi\",\"logprobs\":" + "1000000000000000000}",
                        400,
                        "logprobs"),
                Arguments.of(
                        "POST", "/v1/chat/completions", CHAT + "\"top_logprobs\":1e10000000}", 400, "top_logprobs"),
                Arguments.of(
                        "POST", "/v1/chat/completions", CHAT + "\"max_tokens\":1" + "0".repeat(80) + "}", 400, null),
                Arguments.of(
                        "POST",
                        "/v1/chat/completions",
                        CHAT + "\"metadata\":" + "[".repeat(100) + "]".repeat(100) + "}",
                        400,
                        null),
                Arguments.of(
                        "POST",
                        "/admin/v1/tenants/" + TENANT + "/keys",
                        "{\"name\":\"k\",\"expires_at\":" + "99999999999999999}",
                        400,
                        "expires_at"),
                Arguments.of(
                        "POST",
                        "/admin/v1/tenants/" + TENANT + "/keys",
                        "{\"name\":\"k\",\"expires_at\":\"x\"}",
                        400,
                        "expires_at"),
                Arguments.of(
                        "PUT",
                        "/admin/v1/tenants/" + TENANT + "/limits/echo",
                        "{\"rpm\":9223372036854775807}",
                        400,
                        "rpm"),
                Arguments.of(
                        "POST",
                        "/admin/v1/deployments",
                        "{\"name\":\"hostile-d\",\"backend\":\"embedded\","
                                + "\"model\":\"echo\",\"tpm\":9223372036854775807}",
                        400,
                        "tpm"),
                Arguments.of(
                        "POST",
                        "/admin/v1/deployments",
                        "{\"name\":\"hostile-d\",\"backend\":\"embedded\","
                                + "\"model\":\"echo\",\"first_token_timeout\":\"9999999999999d\"}",
                        400,
                        "first_token_timeout"),
                // texts longer than their column
                Arguments.of(
                        "POST",
                        credits + "/adjustments",
                        "{\"amount\":\"1\",\"note\":\"" + "n".repeat(501) + "\"}",
                        400,
                        "note"),
                Arguments.of(
                        "POST",
                        "/admin/v1/deployments",
                        "{\"name\":\"hostile-d\",\"backend\":\"embedded\"," + "\"model\":\"" + x300 + "\"}",
                        400,
                        "model"),
                // NUL
                Arguments.of(
                        "POST",
                        "/v1/embeddings",
                        "{\"model\":\"all-minilm-l6-v2\",\"input\":\"\\u0000\"}",
                        400,
                        "input"),
                Arguments.of(
                        "POST",
                        "/v1/embeddings",
                        "{\"model\":\"all-minilm-l6-v2\",\"input\":[\"a\",\"b\\u0000\"]}",
                        400,
                        "input[1]"),
                // things that do not exist
                Arguments.of(
                        "POST",
                        "/admin/v1/prices/no-such-deployment",
                        "{\"input_per_1m\":\"1\"," + "\"output_per_1m\":\"1\"}",
                        404,
                        null),
                // query parameters
                Arguments.of("GET", "/admin/v1/audit?since=99999999999999999", null, 400, "since"),
                Arguments.of(
                        "GET", "/v1/organization/costs?start_time=0&end_time=31556889864403199", null, 400, "end_time"),
                Arguments.of("GET", credits + "/ledger?limit=abc", null, 400, "limit"));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("refused")
    void refusedWithA4xxNamingTheParameter(String method, String path, String body, int status, String param)
            throws Exception {
        HttpResponse<String> r = send(method, path, body, "application/json");
        JsonNode error = openAiError(r, status);
        if (param != null) {
            assertThat(error.get("param").asString()).as(r.body()).isEqualTo(param);
        }
    }

    @Test
    void anAmountWithAHugeExponentIsRefusedWithoutWritingItOut() throws Exception {
        HttpResponse<String> r = send(
                "POST",
                "/admin/v1/tenants/" + TENANT + "/credits/grants",
                "{\"amount\":\"1e10000000\"}",
                "application/json");
        openAiError(r, 400);
        assertThat(r.body().length()).isLessThan(1000);
    }

    @Test
    void aContentTypeThatIsNoMediaTypeIs415Everywhere() throws Exception {
        for (String path : new String[] {
            "/v1/chat/completions",
            "/v1/embeddings",
            "/admin/v1/tenants",
            "/admin/v1/tenants/" + TENANT + "/credits/grants"
        }) {
            assertThat(openAiError(send("POST", path, "{}", "json"), 415)
                            .get("code")
                            .asString())
                    .isEqualTo("unsupported_media_type");
        }
        openAiError(send("GET", "/v1/models", null, "json"), 415);
        // Spring 7.0 fails on this one with an exception of its own while it builds the exchange.
        openAiError(send("POST", "/v1/chat/completions", "{}", "\"/"), 415);
        assertThat(send("POST", "/v1/chat/completions", CHAT + "\"max_tokens\":2}", "application/json")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void headIsAnsweredAsGetWithoutABody() throws Exception {
        HttpResponse<String> models = HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/admin/v1/tenants"))
                        .header("Authorization", "Bearer " + ADMIN_KEY)
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(models.body()).isEmpty();
        HttpResponse<String> missing = HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/admin/v1/nothing"))
                        .header("Authorization", "Bearer " + ADMIN_KEY)
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        HttpResponse<String> postOnly = HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                        .header("Authorization", "Bearer " + KEY)
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(postOnly.statusCode()).isEqualTo(405);
    }

    @Test
    void anUnusualMethodIs405InOpenAiShape() throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/models"))
                        .header("Authorization", "Bearer " + KEY)
                        .method("FOO", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(openAiError(r, 405).get("code").asString()).isEqualTo("method_not_allowed");
    }

    @Test
    void headersTooLargeAre431InOpenAiShape() throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/models"))
                        .header("Authorization", "Bearer " + KEY)
                        .header("X-Big", "x".repeat(20_000))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(openAiError(r, 431).get("code").asString()).isEqualTo("headers_too_large");
    }

    /**
     * A refused request whose body the client is still sending: the refusal must reach the client. Closing at
     * once would make the kernel reset the connection over the unread bytes, and the client lose the answer.
     */
    @Test
    void aRefusalReachesAClientStillSendingItsBody() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "X-Big: " + "x".repeat(20_000) + "\r\nContent-Length: 4000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            for (int i = 0; i < 16; i++) {
                out.write(chunk);
            }
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 431").contains("headers_too_large");
        }
    }

    private HttpResponse<String> send(String method, String path, String body, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header(
                        "Authorization",
                        "Bearer "
                                + (path.startsWith("/admin") || path.startsWith("/v1/organization") ? ADMIN_KEY : KEY))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode openAiError(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error).as(r.body()).isNotNull();
        assertThat(error.get("message").asString()).isNotBlank();
        assertThat(error.has("type") && error.has("param") && error.has("code")).isTrue();
        return error;
    }
}

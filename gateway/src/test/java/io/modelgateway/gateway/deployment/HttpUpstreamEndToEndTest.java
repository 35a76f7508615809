package io.modelgateway.gateway.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import io.modelgateway.gateway.pipeline.Outcome;
import io.modelgateway.gateway.pipeline.RecordedCalls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Deployments on an OpenAI-compatible HTTP upstream (a small server in the test), proxied by Spring Cloud
 * Gateway inside the pipeline: same auth and pipeline, the upstream's model name and key, its usage read
 * (asked for on streams and hidden when the client did not ask), counted when it sends none.
 */
class HttpUpstreamEndToEndTest extends FleetTestBase {

    @Autowired
    RecordedCalls recorded;

    private final HttpClient http = HttpClient.newHttpClient();

    private static ChatCompletionCreateParams chat(String model, String text) {
        return ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessage(text)
                .maxCompletionTokens(40)
                .build();
    }

    private RecordedCalls.Ended ended(String requestId) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> recorded.get(requestId), e -> e != null);
    }

    @Test
    void aPlainChatIsProxiedWithTheUpstreamsModelKeyAndUsage() {
        ChatCompletion c;
        com.openai.core.http.Headers headers;
        try (var raw =
                openAi().chat().completions().withRawResponse().create(chat("up-chat", "hello upstream world"))) {
            c = raw.parse();
            headers = raw.headers();
        }
        assertThat(c.choices().get(0).message().content()).hasValue("hello upstream world");
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(3);

        FakeOpenAi.Received got = UPSTREAM.last();
        assertThat(got.path()).isEqualTo("/v1/chat/completions");
        assertThat(got.body().get("model").asString()).isEqualTo("fake-model");
        assertThat(got.body().get("max_completion_tokens").asInt()).isEqualTo(40);
        assertThat(got.headers().get("authorization")).isEqualTo("Bearer sk-upstream-secret");
        assertThat(got.headers().values()).noneMatch(v -> v.contains(KEY));

        String requestId = headers.values("x-request-id").get(0);
        assertThat(requestId).isNotEqualTo("upstream-id");
        assertThat(got.headers().get("x-request-id")).isEqualTo(requestId);
        assertThat(headers.values("x-ratelimit-remaining-requests")).isEmpty();
        RecordedCalls.Ended e = ended(requestId);
        assertThat(e.result().outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(e.call().forwarded()).isTrue();
        assertThat(e.result().usage().promptTokens()).isEqualTo(7);
        assertThat(e.result().usage().completionTokens()).isEqualTo(3);
        assertThat(e.result().usage().estimated()).isFalse();
    }

    @Test
    void aStreamAsksTheUpstreamForUsageAndHidesItWhenTheClientDidNot() {
        List<ChatCompletionChunk> chunks = stream(chat("up-chat", "one two three four"));
        assertThat(text(chunks)).isEqualTo("one two three four");
        assertThat(chunks).noneMatch(ch -> ch.usage().isPresent());
        assertThat(UPSTREAM.last()
                        .body()
                        .get("stream_options")
                        .get("include_usage")
                        .asBoolean())
                .isTrue();

        var withUsage = chat("up-chat", "five six seven").toBuilder()
                .streamOptions(
                        ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        List<ChatCompletionChunk> counted = stream(withUsage);
        assertThat(text(counted)).isEqualTo("five six seven");
        assertThat(counted.get(counted.size() - 1).usage().orElseThrow().completionTokens())
                .isEqualTo(3);
    }

    @Test
    void theStreamsUsageReachesThePipeline() throws Exception {
        HttpResponse<String> r = http.send(request("up-chat", "a b c d e", true), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        assertThat(r.body()).doesNotContain("\"usage\"").contains("data: [DONE]");
        RecordedCalls.Ended e = ended(r.headers().firstValue("x-request-id").orElseThrow());
        assertThat(e.result().outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(e.result().usage().promptTokens()).isEqualTo(7);
        assertThat(e.result().usage().completionTokens()).isEqualTo(5);
        assertThat(e.result().usage().estimated()).isFalse();
        assertThat(e.call().firstTokenAt()).isNotNull();
    }

    @Test
    void usageIsCountedWhenTheUpstreamSendsNone() throws Exception {
        HttpResponse<String> plain =
                http.send(request("up-no-usage", "alpha beta gamma", false), HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(200);
        RecordedCalls.Ended e = ended(plain.headers().firstValue("x-request-id").orElseThrow());
        assertThat(e.result().usage().estimated()).isTrue();
        assertThat(e.result().usage().completionTokens()).isEqualTo(3);
        assertThat(e.result().usage().promptTokens()).isPositive();

        HttpResponse<String> streamed =
                http.send(request("up-no-usage", "alpha beta gamma delta", true), HttpResponse.BodyHandlers.ofString());
        RecordedCalls.Ended s =
                ended(streamed.headers().firstValue("x-request-id").orElseThrow());
        assertThat(s.result().outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(s.result().usage().estimated()).isTrue();
        assertThat(s.result().usage().completionTokens()).isEqualTo(4);
    }

    @Test
    void completionsAreProxiedToo() {
        Completion c = openAi().completions()
                .create(CompletionCreateParams.builder()
                        .model("up-chat")
                        .prompt("legacy completion")
                        .maxTokens(10)
                        .build());
        assertThat(c.choices().get(0).text()).isEqualTo("legacy completion");
        assertThat(UPSTREAM.last().path()).isEqualTo("/v1/completions");
        assertThat(UPSTREAM.last().body().get("max_tokens").asInt()).isEqualTo(10);
    }

    @Test
    void aStreamThatBreaksEndsWithAnOpenAiErrorEvent() throws Exception {
        HttpResponse<String> r =
                http.send(request("up-breaks", "one two three four", true), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> events =
                r.body().lines().filter(l -> l.startsWith("data: ")).toList();
        assertThat(events).hasSize(3);
        JsonNode error = FakeOpenAi.JSON.readTree(events.get(2).substring(6)).get("error");
        assertThat(error).isNotNull();
        assertThat(error.get("type").asString()).isEqualTo("server_error");
        RecordedCalls.Ended e = ended(r.headers().firstValue("x-request-id").orElseThrow());
        assertThat(e.result().outcome()).isEqualTo(Outcome.CUT_SHORT);
        assertThat(e.result().usage().completionTokens()).isEqualTo(2);
    }

    @Test
    void anUnreachableUpstreamIs503WithRetryAfter() {
        var e = catchThrowableOfType(
                InternalServerException.class,
                () -> openAi().chat().completions().create(chat("up-down", "anyone there")));
        assertThat(e.statusCode()).isEqualTo(503);
        assertThat(e.code()).hasValue("backend_unavailable");
        assertThat(e.headers().values("retry-after")).isNotEmpty();
    }

    @Test
    void parametersTritonCannotHonourPassToTheUpstream() {
        ChatCompletion c = openAi().chat()
                .completions()
                .create(chat("up-chat", "n is fine here").toBuilder().n(2).build());
        assertThat(c.choices()).isNotEmpty();
        assertThat(UPSTREAM.last().body().get("n").asInt()).isEqualTo(2);
    }

    @Test
    void theUpstreamGetsABodyRebuiltFromValidatedAllowListedFieldsOnly() throws Exception {
        String body = "{\"model\":\"up-chat\",\"max_completion_tokens\":5,\"max_tokens\":999999,"
                + "\"service_tier\":\"priority\",\"store\":true,\"metadata\":{\"a\":\"b\"},\"user\":\"u-1\","
                + "\"reasoning_effort\":\"high\",\"parallel_tool_calls\":true,\"temperature\":0.5,\"seed\":3,"
                + "\"stop\":[\"zzz\"],\"logit_bias\":{\"42\":-5},\"stream\":true,"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"one two \"},"
                + "{\"type\":\"text\",\"text\":\"three\"}],\"name\":\"x\"}]}";
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                        .header("Authorization", "Bearer " + KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode got = UPSTREAM.last().body();
        assertThat(got.propertyNames())
                .containsExactlyInAnyOrder(
                        "model",
                        "messages",
                        "max_completion_tokens",
                        "temperature",
                        "seed",
                        "stop",
                        "logit_bias",
                        "stream",
                        "stream_options");
        assertThat(got.get("model").asString()).isEqualTo("fake-model");
        assertThat(got.get("max_completion_tokens").asInt()).isEqualTo(5);
        assertThat(got.get("temperature").asDouble()).isEqualTo(0.5);
        assertThat(got.get("seed").asLong()).isEqualTo(3);
        assertThat(got.get("stop").get(0).asString()).isEqualTo("zzz");
        assertThat(got.get("logit_bias").get("42").asDouble()).isEqualTo(-5.0);
        assertThat(got.get("stream_options").propertyNames()).containsExactly("include_usage");
        assertThat(got.get("messages").toString())
                .isEqualTo(
                        "[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"one two three\"}]");

        // completions: the budget in max_tokens, the one field there
        openAi().completions()
                .create(CompletionCreateParams.builder()
                        .model("up-chat")
                        .prompt("a b c")
                        .maxTokens(2)
                        .user("someone")
                        .build());
        assertThat(UPSTREAM.last().body().propertyNames()).containsExactlyInAnyOrder("model", "prompt", "max_tokens");
        assertThat(UPSTREAM.last().body().get("max_tokens").asInt()).isEqualTo(2);
    }

    @Test
    void nMultipliesTheTokensPerMinuteChargeAndThePolicyCap() {
        String tenant = "n-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        admin().createTenant(tenant, "up-chat");
        String key = admin().issueKey(tenant);
        admin().expect(200, "PUT", "/tenants/" + tenant + "/policy", "{\"max_tokens\":12}");
        // 12 tokens in all for 4 choices: each may take 3
        openAi(key)
                .chat()
                .completions()
                .create(chat("up-chat", "one two three four five six").toBuilder()
                        .n(4)
                        .maxCompletionTokens(10)
                        .build());
        assertThat(UPSTREAM.last().body().get("n").asInt()).isEqualTo(4);
        assertThat(UPSTREAM.last().body().get("max_completion_tokens").asInt()).isEqualTo(3);
        var refused = catchThrowableOfType(
                com.openai.errors.BadRequestException.class,
                () -> openAi(key)
                        .chat()
                        .completions()
                        .create(chat("up-chat", "hi").toBuilder().n(13).build()));
        assertThat(refused.param()).hasValue("n");

        admin().expect(200, "PUT", "/tenants/" + tenant + "/policy", "{}");
        admin().expect(200, "PUT", "/tenants/" + tenant + "/limits/up-chat", "{\"tpm\":1000}");
        long remaining;
        try (var raw = openAi(key)
                .chat()
                .completions()
                .withRawResponse()
                .create(chat("up-chat", "hi there").toBuilder()
                        .n(8)
                        .maxCompletionTokens(100)
                        .build())) {
            // the whole budget (prompt + 8 × 100) was charged at admission, not one max_tokens
            remaining = Long.parseLong(
                    raw.headers().values("x-ratelimit-remaining-tokens").get(0));
        }
        assertThat(remaining).isLessThan(1000 - 800);
        var tooLarge = catchThrowableOfType(
                com.openai.errors.OpenAIServiceException.class,
                () -> openAi(key)
                        .chat()
                        .completions()
                        .create(chat("up-chat", "hi").toBuilder()
                                .n(11)
                                .maxCompletionTokens(100)
                                .build()));
        assertThat(tooLarge.statusCode()).isEqualTo(400);
        assertThat(tooLarge.code()).hasValue("tokens_exceed_limit");
    }

    private List<ChatCompletionChunk> stream(ChatCompletionCreateParams params) {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s =
                openAi().chat().completions().createStreaming(params)) {
            s.stream().forEach(chunks::add);
        }
        return chunks;
    }

    private static String text(List<ChatCompletionChunk> chunks) {
        return chunks.stream()
                .flatMap(ch -> ch.choices().stream())
                .map(ch -> ch.delta().content().orElse(""))
                .collect(Collectors.joining());
    }

    private HttpRequest request(String deployment, String text, boolean stream) {
        String body = FakeOpenAi.JSON.writeValueAsString(Map.of(
                "model",
                deployment,
                "stream",
                stream,
                "max_tokens",
                50,
                "messages",
                List.of(Map.of("role", "user", "content", text))));
        return HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }
}

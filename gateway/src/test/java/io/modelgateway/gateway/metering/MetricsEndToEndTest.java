package io.modelgateway.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.modelgateway.gateway.GatewayTestBase;
import io.modelgateway.gateway.pipeline.RefusingTestStage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Real traffic through openai-java, then a scrape: the named series with the right tags and values. */
@org.springframework.context.annotation.Import(io.modelgateway.gateway.pipeline.RefusingTestStage.class)
class MetricsEndToEndTest extends GatewayTestBase {

    private static final Map<String, String> ECHO_CHAT =
            Map.of("gen_ai_request_model", "echo", "gen_ai_operation_name", "chat");

    private ChatCompletionCreateParams chat(String model, String text) {
        return ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessage(text)
                .maxCompletionTokens(50)
                .build();
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> m = new java.util.HashMap<>(base);
        m.put(key, value);
        return m;
    }

    @Test
    void tokenUsageEqualsTheUsageReturnedToTheClient() throws Exception {
        Scrape before = Scrape.of(managementUrl());
        ChatCompletion a = openAi().chat().completions().create(chat("echo", "metrics one two three"));
        ChatCompletion b = openAi().chat().completions().create(chat("echo", "metrics four five six seven"));
        long input =
                a.usage().orElseThrow().promptTokens() + b.usage().orElseThrow().promptTokens();
        long output = a.usage().orElseThrow().completionTokens()
                + b.usage().orElseThrow().completionTokens();

        Scrape after = await().atMost(Duration.ofSeconds(5))
                .until(
                        () -> Scrape.of(managementUrl()),
                        s -> delta(
                                        before,
                                        s,
                                        "gen_ai_client_token_usage_tokens_count",
                                        with(ECHO_CHAT, "gen_ai_token_type", "output"))
                                == 2);
        assertThat(delta(
                        before,
                        after,
                        "gen_ai_client_token_usage_tokens_sum",
                        with(ECHO_CHAT, "gen_ai_token_type", "input")))
                .isEqualTo(input);
        assertThat(delta(
                        before,
                        after,
                        "gen_ai_client_token_usage_tokens_sum",
                        with(ECHO_CHAT, "gen_ai_token_type", "output")))
                .isEqualTo(output);
        assertThat(delta(before, after, "gen_ai_server_request_duration_seconds_count", ECHO_CHAT))
                .isEqualTo(2);
        assertThat(delta(before, after, "gen_ai_server_time_to_first_token_seconds_count", ECHO_CHAT))
                .isEqualTo(2);
        assertThat(delta(before, after, "gen_ai_server_time_per_output_token_seconds_count", ECHO_CHAT))
                .isEqualTo(2);
        assertThat(delta(
                        before,
                        after,
                        "gateway_requests_total",
                        Map.of("deployment", "echo", "tenant", "demo", "outcome", "completed", "status", "200")))
                .isEqualTo(2);
        // histogram buckets for latency percentiles
        assertThat(after.find("gen_ai_server_request_duration_seconds_bucket", with(ECHO_CHAT, "le", "+Inf")))
                .isNotEmpty();
    }

    /** A model call is dispatched by the gate ({@code auth.GateDispatch}): Spring's request timer still has its route. */
    @Test
    void httpServerRequestsAreTimedByRoutePattern() throws Exception {
        Map<String, String> chatRoute =
                Map.of("method", "POST", "uri", "/v1/chat/completions", "status", "200", "outcome", "SUCCESS");
        Scrape before = Scrape.of(managementUrl());
        openAi().chat().completions().create(chat("echo", "timed by its route"));
        await().atMost(Duration.ofSeconds(5))
                .until(
                        () -> Scrape.of(managementUrl()),
                        s -> delta(before, s, "http_server_requests_seconds_count", chatRoute) == 1);
        assertThat(Scrape.of(managementUrl()).find("http_server_requests_active_seconds_count", Map.of()))
                .as("no long-task timer per request")
                .isEmpty();
    }

    @Test
    void aStreamWithUsageAndEmbeddingsAreCountedByOperation() throws Exception {
        awaitEmbeddingModel();
        Scrape before = Scrape.of(managementUrl());
        ChatCompletionCreateParams params = chat("echo", "stream the metrics please").toBuilder()
                .streamOptions(
                        ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s =
                openAi().chat().completions().createStreaming(params)) {
            s.stream().forEach(chunks::add);
        }
        long streamedOutput =
                chunks.get(chunks.size() - 1).usage().orElseThrow().completionTokens();
        CreateEmbeddingResponse e = openAi().embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model("all-minilm-l6-v2")
                        .input("count my tokens")
                        .build());

        Scrape after = await().atMost(Duration.ofSeconds(5))
                .until(
                        () -> Scrape.of(managementUrl()),
                        s -> delta(
                                        before,
                                        s,
                                        "gen_ai_client_token_usage_tokens_count",
                                        Map.of(
                                                "gen_ai_request_model",
                                                "all-minilm-l6-v2",
                                                "gen_ai_operation_name",
                                                "embeddings"))
                                == 1);
        assertThat(delta(
                        before,
                        after,
                        "gen_ai_client_token_usage_tokens_sum",
                        with(ECHO_CHAT, "gen_ai_token_type", "output")))
                .isEqualTo(streamedOutput);
        assertThat(delta(
                        before,
                        after,
                        "gen_ai_client_token_usage_tokens_sum",
                        Map.of("gen_ai_request_model", "all-minilm-l6-v2", "gen_ai_token_type", "input")))
                .isEqualTo(e.usage().promptTokens());
    }

    @Test
    void failedCallsAreCountedWithTheirOutcomeAndStatus() throws Exception {
        Scrape before = Scrape.of(managementUrl());
        try {
            openAi().chat().completions().create(chat("unreachable", "anyone there"));
        } catch (OpenAIServiceException expected) {
            assertThat(expected.statusCode()).isEqualTo(503);
        }
        Scrape after = await().atMost(Duration.ofSeconds(5))
                .until(
                        () -> Scrape.of(managementUrl()),
                        s -> delta(
                                        before,
                                        s,
                                        "gateway_requests_total",
                                        Map.of("deployment", "unreachable", "outcome", "failed", "status", "503"))
                                == 1);
        assertThat(after.find("gateway_requests_total", Map.of("deployment", "unreachable")))
                .isNotEmpty();
    }

    @Test
    void refusalsByLaterStagesAreCountedByKind() throws Exception {
        Scrape before = Scrape.of(managementUrl());
        for (int maxTokens : new int[] {RefusingTestStage.RATE_LIMITED, RefusingTestStage.POLICY}) {
            try {
                openAi().chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("echo")
                                .addUserMessage("refuse me")
                                .maxCompletionTokens(maxTokens)
                                .build());
            } catch (OpenAIServiceException expected) {
                assertThat(expected.statusCode()).isIn(429, 400);
            }
        }
        Scrape after = await().atMost(Duration.ofSeconds(5))
                .until(
                        () -> Scrape.of(managementUrl()),
                        s -> delta(
                                        before,
                                        s,
                                        "gateway_quota_rejections_total",
                                        Map.of("kind", "rate_limit_exceeded", "deployment", "echo", "tenant", "demo"))
                                == 1);
        assertThat(delta(before, after, "gateway_refusals_total", Map.of("kind", "policy_violation")))
                .isEqualTo(1);
        assertThat(delta(before, after, "gateway_requests_total", Map.of("outcome", "refused", "status", "429")))
                .isEqualTo(1);
        assertThat(delta(before, after, "gen_ai_client_token_usage_tokens_count", ECHO_CHAT))
                .isZero();
    }

    @Test
    void backendReadinessIsAGaugePerDeployment() throws Exception {
        Scrape s = await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> Scrape.of(managementUrl()),
                        x -> x.sum("gateway_backend_ready", Map.of("deployment", "echo")) == 1);
        assertThat(s.sum("gateway_backend_ready", Map.of("deployment", "unreachable")))
                .isZero();
        assertThat(s.sum("gateway_backend_ready", Map.of("deployment", "misconfigured")))
                .isZero();
        assertThat(s.find("gateway_db_latency_seconds_count", Map.of("result", "ok")))
                .isNotEmpty();
        assertThat(s.find("hikaricp_connections_acquire_seconds_count", Map.of()))
                .isNotEmpty();
    }

    private static double delta(Scrape before, Scrape after, String metric, Map<String, String> labels) {
        return after.sum(metric, labels) - before.sum(metric, labels);
    }
}

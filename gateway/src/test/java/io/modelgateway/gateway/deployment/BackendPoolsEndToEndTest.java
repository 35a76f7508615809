package io.modelgateway.gateway.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionCreateParams;
import io.grpc.Status;
import io.modelgateway.modelserver.ModelServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Deployments on pools of real model servers, end to end through the gateway with openai-java: failover
 * before the first byte, readiness, the bulkhead, the breaker, the ensemble layout over the wire, parameters a
 * layout cannot honour, and a replica that dies mid-stream.
 */
class BackendPoolsEndToEndTest extends FleetTestBase {

    private final HttpClient http = HttpClient.newHttpClient();

    private static ChatCompletionCreateParams chat(String model, String text, long maxTokens) {
        return ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessage(text)
                .maxCompletionTokens(maxTokens)
                .build();
    }

    private static String words(int n) {
        return IntStream.range(0, n).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    }

    private static long started() {
        return REPLICAS.stream().mapToLong(ModelServer::startedRequests).sum();
    }

    private JsonNode health() throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(managementUrl() + "/actuator/health"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return FakeOpenAi.JSON
                .readTree(r.body())
                .get("components")
                .get("backends")
                .get("details");
    }

    private boolean replicaReady(ModelServer server) throws Exception {
        for (JsonNode r : health().get("pools").get("fleet")) {
            if (r.get("target").asString().equals(server.target())) {
                return r.get("ready").asBoolean();
            }
        }
        throw new AssertionError("no replica " + server.target());
    }

    @Test
    void replicasFailingCallsDoNotFailCustomersCalls() {
        // Two of three replicas refuse every call: each call that picks them first is retried elsewhere.
        ModelServer healthy = REPLICAS.get(2);
        long before = healthy.startedRequests();
        try {
            REPLICAS.get(0).failNext(1000, Status.Code.UNAVAILABLE);
            REPLICAS.get(1).failNext(1000, Status.Code.UNAVAILABLE);
            for (int i = 0; i < 12; i++) {
                ChatCompletion c = openAi().chat().completions().create(chat("fleet-chat", "hello fleet " + i, 20));
                assertThat(c.choices().get(0).message().content()).hasValue("user: hello fleet " + i + " assistant:");
            }
            try (StreamResponse<ChatCompletionChunk> s =
                    openAi().chat().completions().createStreaming(chat("fleet-chat", "streamed too", 20))) {
                assertThat(s.stream()
                                .flatMap(ch -> ch.choices().stream())
                                .map(ch -> ch.delta().content().orElse(""))
                                .collect(Collectors.joining()))
                        .isEqualTo("user: streamed too assistant:");
            }
        } finally {
            REPLICAS.get(0).failNext(0, Status.Code.UNAVAILABLE);
            REPLICAS.get(1).failNext(0, Status.Code.UNAVAILABLE);
        }
        assertThat(healthy.startedRequests() - before).isEqualTo(13);
    }

    @Test
    void anUnreadyReplicaGetsNoTrafficUntilItRecovers() throws Exception {
        ModelServer draining = REPLICAS.get(1);
        try {
            draining.reportReady(false);
            await().atMost(Duration.ofSeconds(5)).until(() -> !replicaReady(draining));
            long before = draining.startedRequests();
            for (int i = 0; i < 12; i++) {
                openAi().chat().completions().create(chat("fleet-chat", "drain " + i, 5));
            }
            assertThat(draining.startedRequests()).isEqualTo(before);
        } finally {
            draining.reportReady(true);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> replicaReady(draining));
        long before = draining.startedRequests();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            openAi().chat().completions().create(chat("fleet-chat", "back", 5));
            return draining.startedRequests() > before;
        });
    }

    @Test
    void aFullBulkheadAnswers429WithRetryAfterAtOnce() throws Exception {
        // The narrow backend takes one call at a time; this stream holds it for about four seconds.
        HttpResponse<InputStream> holding =
                http.send(request("narrow-chat", words(80), true), HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader lines = new BufferedReader(new InputStreamReader(holding.body(), StandardCharsets.UTF_8));
        assertThat(lines.readLine()).startsWith("data: ");
        // "At once" is behaviour, not a stopwatch: every refusal is answered while the slot is still held
        // (a call queued behind the slot could only be answered after this stream ended).
        java.util.concurrent.CompletableFuture<String> rest = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> lines.lines().collect(Collectors.joining("\n")));

        HttpResponse<String> refused =
                http.send(request("narrow-chat", "one more", false), HttpResponse.BodyHandlers.ofString());
        assertThat(rest).as("refused while the slot is held").isNotDone();
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("retry-after")).hasValue("1");
        assertThat(refused.headers().firstValue("x-request-id")).isPresent();
        JsonNode error = FakeOpenAi.JSON.readTree(refused.body()).get("error");
        assertThat(error.get("code").asString()).isEqualTo("backend_overloaded");
        assertThat(error.get("message").asString()).isNotBlank();

        var sdk = catchThrowableOfType(
                RateLimitException.class,
                () -> openAi().chat().completions().create(chat("narrow-chat", "and another", 5)));
        assertThat(sdk.statusCode()).isEqualTo(429);
        assertThat(sdk.headers().values("retry-after")).containsExactly("1");

        // A flood past the bulkhead: every call is refused, none queues behind the held slot.
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> flood = IntStream.range(0, 100)
                .mapToObj(i -> http.sendAsync(
                        request("narrow-chat", "flood " + i, i % 2 == 0), HttpResponse.BodyHandlers.ofString()))
                .toList();
        assertThat(flood.stream()
                        .map(java.util.concurrent.CompletableFuture::join)
                        .map(HttpResponse::statusCode))
                .containsOnly(429);
        assertThat(rest).as("the flood was answered while the slot is held").isNotDone();

        // The holding stream was not disturbed.
        assertThat(rest.get(30, java.util.concurrent.TimeUnit.SECONDS).strip())
                .endsWith("data: [DONE]")
                .doesNotContain("\"error\"");
    }

    @Test
    void theBreakerOpensAfterFailuresAndThenAnswers503WithRetryAfter() throws Exception {
        FRAGILE.failNext(2, Status.Code.INTERNAL);
        for (int i = 0; i < 2; i++) {
            var e = catchThrowableOfType(
                    InternalServerException.class,
                    () -> openAi().chat().completions().create(chat("fragile-chat", "hi", 5)));
            assertThat(e.statusCode()).isEqualTo(502);
        }
        long before = FRAGILE.startedRequests();
        HttpResponse<String> open =
                http.send(request("fragile-chat", "hi", false), HttpResponse.BodyHandlers.ofString());
        assertThat(open.statusCode()).isEqualTo(503);
        assertThat(open.headers().firstValue("retry-after")).isPresent();
        assertThat(FakeOpenAi.JSON
                        .readTree(open.body())
                        .get("error")
                        .get("code")
                        .asString())
                .isEqualTo("backend_unavailable");
        assertThat(FRAGILE.startedRequests())
                .as("an open breaker sends nothing")
                .isEqualTo(before);
        assertThat(health().get("pools").get("fragile").get(0).get("breaker").asString())
                .isEqualTo("OPEN");
    }

    @Test
    void theEnsembleLayoutIsDetectedAndWorksOverTheWire() {
        ChatCompletion c = openAi().chat().completions().create(chat("fleet-ensemble", "hello ensemble world", 50));
        assertThat(c.choices().get(0).message().content()).hasValue("user: hello ensemble world assistant:");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(5);

        ChatCompletion cut = openAi().chat().completions().create(chat("fleet-ensemble", "one two three four", 2));
        assertThat(cut.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);

        var params = chat("fleet-ensemble", "streamed through the ensemble", 50).toBuilder()
                .temperature(0.5)
                .topP(0.9)
                .seed(7L)
                .stop("ensemble")
                .streamOptions(
                        ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s =
                openAi().chat().completions().createStreaming(params)) {
            s.stream().forEach(chunks::add);
        }
        String text = chunks.stream()
                .flatMap(ch -> ch.choices().stream())
                .map(ch -> ch.delta().content().orElse(""))
                .collect(Collectors.joining());
        assertThat(text).isEqualTo("user: streamed through the");
        assertThat(chunks.get(chunks.size() - 1).usage()).isPresent();

        var completion = openAi().completions()
                .create(CompletionCreateParams.builder()
                        .model("fleet-ensemble")
                        .prompt("plain completion")
                        .maxTokens(10)
                        .build());
        assertThat(completion.choices().get(0).text()).isEqualTo("plain completion");
    }

    @Test
    void parametersALayoutCannotHonourAre400sNamingThem() {
        var n = catchThrowableOfType(
                BadRequestException.class,
                () -> openAi().chat()
                        .completions()
                        .create(chat("fleet-chat", "hi", 5).toBuilder().n(2).build()));
        assertThat(n.param()).hasValue("n");
        var bias = catchThrowableOfType(
                BadRequestException.class,
                () -> openAi().chat()
                        .completions()
                        .create(chat("fleet-ensemble", "hi", 5).toBuilder()
                                .logitBias(ChatCompletionCreateParams.LogitBias.builder()
                                        .putAdditionalProperty("50256", com.openai.core.JsonValue.from(-100))
                                        .build())
                                .build()));
        assertThat(bias.param()).hasValue("logit_bias");
        // The ensemble model declares no presence_penalty input; the vLLM model takes it.
        var penalty = catchThrowableOfType(
                BadRequestException.class,
                () -> openAi().chat()
                        .completions()
                        .create(chat("fleet-ensemble", "hi", 5).toBuilder()
                                .presencePenalty(0.5)
                                .build()));
        assertThat(penalty.param()).hasValue("presence_penalty");
        assertThat(penalty.code()).hasValue("unsupported_parameter");
        assertThat(openAi().chat()
                        .completions()
                        .create(chat("fleet-chat", "hi", 5).toBuilder()
                                .presencePenalty(0.5)
                                .build())
                        .choices())
                .hasSize(1);
    }

    @Test
    void aReplicaDyingMidStreamEndsTheStreamWithAnOpenAiErrorEvent() throws Exception {
        HttpResponse<InputStream> r =
                http.send(request("doomed-chat", words(200), true), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        assertThat(lines.readLine()).startsWith("data: ");
        DOOMED.close();
        List<String> rest = lines.lines().filter(l -> l.startsWith("data: ")).toList();
        String last = rest.get(rest.size() - 1);
        JsonNode error = FakeOpenAi.JSON.readTree(last.substring(6)).get("error");
        assertThat(error).as(last).isNotNull();
        assertThat(error.get("type").asString()).isEqualTo("server_error");
        assertThat(error.get("code").asString()).isNotBlank();
    }

    @Test
    void healthShowsEveryReplicaOfThePool() throws Exception {
        JsonNode fleet = health().get("pools").get("fleet");
        assertThat(fleet).hasSize(3);
        assertThat(fleet.get(0).get("models").get("echo-ensemble").asBoolean()).isTrue();
        assertThat(health().get("deployments").get("up-chat").asString()).isEqualTo("PROXIED");
    }

    private HttpRequest request(String deployment, String text, boolean stream) {
        String body = FakeOpenAi.JSON.writeValueAsString(Map.of(
                "model",
                deployment,
                "stream",
                stream,
                "max_tokens",
                300,
                "messages",
                List.of(Map.of("role", "user", "content", text))));
        return HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }
}

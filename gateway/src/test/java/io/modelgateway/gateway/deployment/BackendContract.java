package io.modelgateway.gateway.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The end-to-end contract every backend kind keeps, through the gateway with openai-java: plain and streamed
 * chat (with {@code include_usage}), completions, usage that adds up and agrees between JSON and SSE,
 * {@code max_tokens} ending with {@code length}, a 400 for a bad body, an OpenAI-shaped error event when the
 * backend fails mid-stream, and the compliance contract: a blocked prompt and a parameter outside the policy's
 * allow-list are refused before the backend, and an answer is redacted also across stream chunks. Each kind runs it in a subclass naming its deployment.
 */
abstract class BackendContract extends FleetTestBase {

    private final HttpClient http = HttpClient.newHttpClient();

    /** The chat and completions deployment under test. */
    abstract String deployment();

    /** The chat answer the backend gives to one user message {@code prompt}. */
    abstract String chatAnswer(String prompt);

    /** Makes the backend's next stream fail after a few tokens; returns the deployment to call for it. */
    abstract String breakNextStream();

    /** How many requests the backend behind {@link #deployment()} has received so far. */
    abstract long backendRequests();

    /** A fresh tenant that may use {@link #deployment()}, with {@code policy} as its compliance policy. */
    private OpenAIClient tenantWithPolicy(String policy) {
        String tenant = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        admin().createTenant(tenant, deployment());
        admin().expect(200, "PUT", "/tenants/" + tenant + "/policy", policy);
        return openAi(admin().issueKey(tenant));
    }

    private ChatCompletionCreateParams chat(String prompt, long maxTokens) {
        return ChatCompletionCreateParams.builder()
                .model(deployment())
                .addUserMessage(prompt)
                .maxCompletionTokens(maxTokens)
                .build();
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
                .flatMap(c -> c.choices().stream())
                .map(c -> c.delta().content().orElse(""))
                .collect(Collectors.joining());
    }

    private static List<ChatCompletionChunk.Choice.FinishReason> finishReasons(List<ChatCompletionChunk> chunks) {
        return chunks.stream()
                .flatMap(c -> c.choices().stream())
                .flatMap(c -> c.finishReason().stream())
                .toList();
    }

    private static void assertAddsUp(CompletionUsage usage) {
        assertThat(usage.promptTokens()).isPositive();
        assertThat(usage.completionTokens()).isPositive();
        assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
    }

    @Test
    void aPlainChatAnswersWithUsage() {
        ChatCompletion c = openAi().chat().completions().create(chat("hello contract world", 50));
        assertThat(c.id()).isNotBlank();
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).message().content()).hasValue(chatAnswer("hello contract world"));
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertAddsUp(c.usage().orElseThrow());
    }

    @Test
    void aStreamedChatWithIncludeUsageRelaysTheSameAnswerAndUsage() {
        String prompt = "streamed through every kind";
        CompletionUsage whole =
                openAi().chat().completions().create(chat(prompt, 50)).usage().orElseThrow();
        List<ChatCompletionChunk> chunks = stream(chat(prompt, 50).toBuilder()
                .streamOptions(
                        ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build());
        assertThat(text(chunks)).isEqualTo(chatAnswer(prompt));
        assertThat(chunks.stream().filter(c -> !c.choices().isEmpty()).count())
                .as("content chunks")
                .isGreaterThan(1);
        assertThat(finishReasons(chunks)).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        CompletionUsage usage = last.usage().orElseThrow();
        assertAddsUp(usage);
        assertThat(usage).as("streamed usage equals the JSON answer's").isEqualTo(whole);
        assertThat(chunks.subList(0, chunks.size() - 1))
                .noneMatch(c -> c.usage().isPresent());
    }

    @Test
    void aStreamWithoutIncludeUsageCarriesNoUsage() {
        List<ChatCompletionChunk> chunks = stream(chat("no usage please", 50));
        assertThat(text(chunks)).isEqualTo(chatAnswer("no usage please"));
        assertThat(chunks).noneMatch(c -> c.usage().isPresent());
    }

    @Test
    void completionsEchoThePrompt() {
        Completion c = openAi().completions()
                .create(CompletionCreateParams.builder()
                        .model(deployment())
                        .prompt("a legacy completion")
                        .maxTokens(20)
                        .build());
        assertThat(c.choices().get(0).text()).isEqualTo("a legacy completion");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(CompletionChoice.FinishReason.STOP);
        assertAddsUp(c.usage().orElseThrow());
    }

    @Test
    void maxTokensEndsTheAnswerWithLength() {
        String prompt = "one two three four five six seven";
        ChatCompletion cut = openAi().chat().completions().create(chat(prompt, 2));
        assertThat(cut.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(cut.usage().orElseThrow().completionTokens()).isEqualTo(2);
        assertThat(chatAnswer(prompt))
                .startsWith(cut.choices().get(0).message().content().orElseThrow());

        List<ChatCompletionChunk> chunks = stream(chat(prompt, 2));
        assertThat(finishReasons(chunks)).containsExactly(ChatCompletionChunk.Choice.FinishReason.LENGTH);
        assertThat(text(chunks))
                .isEqualTo(cut.choices().get(0).message().content().orElseThrow());

        Completion legacy = openAi().completions()
                .create(CompletionCreateParams.builder()
                        .model(deployment())
                        .prompt(prompt)
                        .maxTokens(3)
                        .build());
        assertThat(legacy.choices().get(0).finishReason()).isEqualTo(CompletionChoice.FinishReason.LENGTH);
        assertThat(legacy.usage().orElseThrow().completionTokens()).isEqualTo(3);
    }

    @Test
    void aBadBodyIs400InOpenAisShape() throws Exception {
        HttpResponse<String> r = post("{\"model\":\"" + deployment() + "\",\"messages\":\"not a list\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = FakeOpenAi.JSON.readTree(r.body()).get("error");
        assertThat(error.get("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.get("param").asString()).isEqualTo("messages");

        var e = catchThrowableOfType(
                BadRequestException.class,
                () -> openAi().chat()
                        .completions()
                        .create(chat("hi", 5).toBuilder().temperature(7.0).build()));
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.param()).hasValue("temperature");
    }

    @Test
    void aBackendFailingMidStreamEndsTheStreamWithAnErrorEvent() throws Exception {
        String deployment = breakNextStream();
        HttpResponse<String> r = post("{\"model\":\"" + deployment + "\",\"stream\":true,\"max_tokens\":50,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"one two three four five six\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> events = r.body()
                .lines()
                .filter(l -> l.startsWith("data: "))
                .map(l -> l.substring(6))
                .toList();
        assertThat(events).as(r.body()).hasSizeGreaterThan(1).doesNotContain("[DONE]");
        assertThat(events.get(0)).contains("\"choices\"");
        JsonNode error = FakeOpenAi.JSON.readTree(events.get(events.size() - 1)).get("error");
        assertThat(error).as(r.body()).isNotNull();
        assertThat(error.get("type").asString()).isEqualTo("server_error");
        assertThat(error.get("message").asString()).isNotBlank();
        assertThat(error.get("code").asString()).isNotBlank();
    }

    // The compliance contract: the same policy refuses, allows and redacts the same way on every backend kind.

    @Test
    void aBlockedPromptIsRefusedAndNeverReachesTheBackend() {
        OpenAIClient client =
                tenantWithPolicy("{\"rules\":[{\"id\":\"fruit\",\"type\":\"terms\",\"terms\":[\"forbidden fruit\"]}]}");
        long before = backendRequests();
        var e = catchThrowableOfType(
                BadRequestException.class,
                () -> client.chat().completions().create(chat("the forbidden fruit again", 20)));
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.code()).hasValue("content_filter");
        var streamed = catchThrowableOfType(BadRequestException.class, () -> {
            try (var s = client.chat().completions().createStreaming(chat("a forbidden fruit stream", 20))) {
                s.stream().count();
            }
        });
        assertThat(streamed.code()).hasValue("content_filter");
        var legacy = catchThrowableOfType(
                BadRequestException.class,
                () -> client.completions()
                        .create(CompletionCreateParams.builder()
                                .model(deployment())
                                .prompt("forbidden fruit")
                                .maxTokens(5)
                                .build()));
        assertThat(legacy.code()).hasValue("content_filter");
        assertThat(backendRequests()).as("nothing reached the backend").isEqualTo(before);
        assertThat(client.chat()
                        .completions()
                        .create(chat("an allowed apple", 20))
                        .choices())
                .hasSize(1);
        assertThat(backendRequests()).isEqualTo(before + 1);
    }

    @Test
    void aParameterOutsideTheAllowListIsRefusedAndNeverReachesTheBackend() {
        OpenAIClient client = tenantWithPolicy("{\"allowed_parameters\":[\"max_completion_tokens\",\"stream\"]}");
        long before = backendRequests();
        var e = catchThrowableOfType(
                BadRequestException.class,
                () -> client.chat()
                        .completions()
                        .create(chat("hi", 5).toBuilder().temperature(0.5).build()));
        assertThat(e.code()).hasValue("parameter_not_allowed");
        assertThat(e.param()).hasValue("temperature");
        var seed = catchThrowableOfType(
                BadRequestException.class,
                () -> client.chat()
                        .completions()
                        .create(chat("hi", 5).toBuilder().seed(7L).build()));
        assertThat(seed.param()).hasValue("seed");
        assertThat(backendRequests()).isEqualTo(before);
        assertThat(client.chat().completions().create(chat("hi", 5)).choices()).hasSize(1);
    }

    @Test
    void aRedactedAnswerNeverCarriesTheSensitivePartAlsoWhenItIsSplitAcrossStreamChunks() {
        OpenAIClient client = tenantWithPolicy("{\"rules\":[{\"id\":\"sauce\",\"type\":\"terms\","
                + "\"terms\":[\"secret sauce\"],\"action\":\"redact\",\"target\":\"completion\"}]}");
        String prompt = "alpha beta gamma delta epsilon zeta eta theta the secret sauce recipe iota kappa lambda mu "
                + "nu xi omicron pi rho sigma tau upsilon";
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat(prompt, 50))) {
            s.stream().forEach(chunks::add);
        }
        List<String> deltas = chunks.stream()
                .flatMap(c -> c.choices().stream())
                .map(c -> c.delta().content().orElse(""))
                .filter(t -> !t.isEmpty())
                .toList();
        assertThat(deltas).as("the answer came in several chunks").hasSizeGreaterThan(1);
        String streamed = String.join("", deltas);
        assertThat(streamed)
                .doesNotContain("secret")
                .doesNotContain("sauce")
                .isEqualTo(chatAnswer(prompt).replace("secret sauce", "[REDACTED]"));
        assertThat(finishReasons(chunks)).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);

        ChatCompletion whole = client.chat().completions().create(chat(prompt, 50));
        assertThat(whole.choices().get(0).message().content())
                .hasValue(chatAnswer(prompt).replace("secret sauce", "[REDACTED]"));
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                        .header("Authorization", "Bearer " + KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

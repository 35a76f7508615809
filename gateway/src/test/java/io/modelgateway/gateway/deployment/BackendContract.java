package io.modelgateway.gateway.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The end-to-end contract every backend kind keeps, through the gateway with openai-java: plain and streamed
 * chat (with {@code include_usage}), completions, usage that adds up and agrees between JSON and SSE,
 * {@code max_tokens} ending with {@code length}, a 400 for a bad body, and an OpenAI-shaped error event when the
 * backend fails mid-stream. Each kind runs it in a subclass naming its deployment.
 */
abstract class BackendContract extends FleetTestBase {

    private final HttpClient http = HttpClient.newHttpClient();

    /** The chat and completions deployment under test. */
    abstract String deployment();

    /** The chat answer the backend gives to one user message {@code prompt}. */
    abstract String chatAnswer(String prompt);

    /** Makes the backend's next stream fail after a few tokens; returns the deployment to call for it. */
    abstract String breakNextStream();

    private ChatCompletionCreateParams chat(String prompt, long maxTokens) {
        return ChatCompletionCreateParams.builder().model(deployment()).addUserMessage(prompt)
                .maxCompletionTokens(maxTokens).build();
    }

    private List<ChatCompletionChunk> stream(ChatCompletionCreateParams params) {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = openAi().chat().completions().createStreaming(params)) {
            s.stream().forEach(chunks::add);
        }
        return chunks;
    }

    private static String text(List<ChatCompletionChunk> chunks) {
        return chunks.stream().flatMap(c -> c.choices().stream()).map(c -> c.delta().content().orElse(""))
                .collect(Collectors.joining());
    }

    private static List<ChatCompletionChunk.Choice.FinishReason> finishReasons(List<ChatCompletionChunk> chunks) {
        return chunks.stream().flatMap(c -> c.choices().stream()).flatMap(c -> c.finishReason().stream()).toList();
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
        CompletionUsage whole = openAi().chat().completions().create(chat(prompt, 50)).usage().orElseThrow();
        List<ChatCompletionChunk> chunks = stream(chat(prompt, 50).toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());
        assertThat(text(chunks)).isEqualTo(chatAnswer(prompt));
        assertThat(chunks.stream().filter(c -> !c.choices().isEmpty()).count()).as("content chunks").isGreaterThan(1);
        assertThat(finishReasons(chunks)).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        CompletionUsage usage = last.usage().orElseThrow();
        assertAddsUp(usage);
        assertThat(usage).as("streamed usage equals the JSON answer's").isEqualTo(whole);
        assertThat(chunks.subList(0, chunks.size() - 1)).noneMatch(c -> c.usage().isPresent());
    }

    @Test
    void aStreamWithoutIncludeUsageCarriesNoUsage() {
        List<ChatCompletionChunk> chunks = stream(chat("no usage please", 50));
        assertThat(text(chunks)).isEqualTo(chatAnswer("no usage please"));
        assertThat(chunks).noneMatch(c -> c.usage().isPresent());
    }

    @Test
    void completionsEchoThePrompt() {
        Completion c = openAi().completions().create(CompletionCreateParams.builder().model(deployment())
                .prompt("a legacy completion").maxTokens(20).build());
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
        assertThat(chatAnswer(prompt)).startsWith(cut.choices().get(0).message().content().orElseThrow());

        List<ChatCompletionChunk> chunks = stream(chat(prompt, 2));
        assertThat(finishReasons(chunks)).containsExactly(ChatCompletionChunk.Choice.FinishReason.LENGTH);
        assertThat(text(chunks)).isEqualTo(cut.choices().get(0).message().content().orElseThrow());

        Completion legacy = openAi().completions().create(CompletionCreateParams.builder().model(deployment())
                .prompt(prompt).maxTokens(3).build());
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

        var e = catchThrowableOfType(BadRequestException.class, () -> openAi().chat().completions()
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
        List<String> events = r.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertThat(events).as(r.body()).hasSizeGreaterThan(1).doesNotContain("[DONE]");
        assertThat(events.get(0)).contains("\"choices\"");
        JsonNode error = FakeOpenAi.JSON.readTree(events.get(events.size() - 1)).get("error");
        assertThat(error).as(r.body()).isNotNull();
        assertThat(error.get("type").asString()).isEqualTo("server_error");
        assertThat(error.get("message").asString()).isNotBlank();
        assertThat(error.get("code").asString()).isNotBlank();
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}

package io.modelgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.azure.AzureOpenAIServiceVersion;
import com.openai.azure.AzureUrlPathMode;
import com.openai.azure.credential.AzureApiKeyCredential;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The official openai-java SDK against the running gateway and model server, as a customer uses it. */
class OpenAiSdkEndToEndTest extends GatewayTestBase {

    /** The echo model answers with the words of its prompt; the "plain" template renders "user: <text>\nassistant:". */
    private static final String ECHO_OF_HELLO = "user: hello there gateway assistant:";

    private ChatCompletionCreateParams chat(String model, String text, long maxTokens) {
        return ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessage(text)
                .maxCompletionTokens(maxTokens)
                .build();
    }

    @Test
    void chatCompletionWithConsistentUsage() {
        ChatCompletion c = openAi().chat().completions().create(chat("echo", "hello there gateway", 100));

        assertThat(c.model()).isEqualTo("echo");
        assertThat(c.id()).startsWith("chatcmpl-");
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).message().content()).hasValue(ECHO_OF_HELLO);
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        var usage = c.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(5);
        assertThat(usage.completionTokens()).isEqualTo(5);
        assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
    }

    @Test
    void maxTokensCutsTheAnswerWithFinishReasonLength() {
        ChatCompletion c = openAi().chat().completions().create(chat("echo", "one two three four five six", 3));

        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(c.choices().get(0).message().content()).hasValue("user: one two");
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(3);
    }

    @Test
    void streamedChatRelaysDeltasAndTheUsageChunk() {
        var params = chat("echo", "hello there gateway", 100).toBuilder()
                .streamOptions(
                        ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream =
                openAi().chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunks::add);
        }

        StringBuilder text = new StringBuilder();
        chunks.forEach(
                ch -> ch.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isEqualTo(ECHO_OF_HELLO);
        assertThat(chunks.get(0).choices().get(0).delta().role()).isPresent();
        assertThat(chunks)
                .filteredOn(ch -> !ch.choices().isEmpty()
                        && ch.choices().get(0).finishReason().isPresent())
                .hasSize(1);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        var usage = last.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(5);
        assertThat(usage.completionTokens()).isEqualTo(5);
        assertThat(usage.totalTokens()).isEqualTo(10);
        assertThat(chunks.subList(0, chunks.size() - 1))
                .allSatisfy(ch -> assertThat(ch.usage()).isEmpty());
    }

    @Test
    void streamedChatWithoutIncludeUsageSendsNoUsageChunk() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (var stream = openAi().chat().completions().createStreaming(chat("echo", "a b", 10))) {
            stream.stream().forEach(chunks::add);
        }
        assertThat(chunks).allSatisfy(ch -> assertThat(ch.choices()).hasSize(1));
        assertThat(chunks).allSatisfy(ch -> assertThat(ch.usage()).isEmpty());
    }

    @Test
    void legacyCompletionsPlainAndStreamed() {
        var params = CompletionCreateParams.builder()
                .model("echo")
                .prompt("the quick brown fox")
                .maxTokens(3)
                .build();
        Completion c = openAi().completions().create(params);
        assertThat(c.choices().get(0).text()).isEqualTo("the quick brown");
        assertThat(c.choices().get(0).finishReason())
                .isEqualTo(com.openai.models.completions.CompletionChoice.FinishReason.LENGTH);
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(4);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(3);

        StringBuilder streamed = new StringBuilder();
        try (var stream = openAi().completions().createStreaming(params)) {
            stream.stream().forEach(ch -> ch.choices().forEach(choice -> streamed.append(choice.text())));
        }
        assertThat(streamed.toString()).isEqualTo("the quick brown");
    }

    @Test
    void embeddingsPutCatsNearKittensAndFarFromStockMarkets() {
        List<List<Float>> v = embed(
                EmbeddingCreateParams.EncodingFormat.FLOAT,
                "A cat is sleeping on the sofa.",
                "A kitten naps on the couch.",
                "Stock markets fell sharply today.");

        assertThat(v).allSatisfy(e -> assertThat(e).hasSize(384));
        assertThat(cosine(v.get(0), v.get(1))).isGreaterThan(cosine(v.get(0), v.get(2)) + 0.2);
    }

    @Test
    void embeddingsInBase64MatchTheFloatEncoding() {
        List<List<Float>> floats = embed(EmbeddingCreateParams.EncodingFormat.FLOAT, "kittens");
        List<List<Float>> base64 = embed(EmbeddingCreateParams.EncodingFormat.BASE64, "kittens");
        assertThat(base64.get(0)).containsExactlyElementsOf(floats.get(0));
    }

    private List<List<Float>> embed(EmbeddingCreateParams.EncodingFormat format, String... texts) {
        var params = EmbeddingCreateParams.builder()
                .model("all-minilm-l6-v2")
                .inputOfArrayOfStrings(List.of(texts))
                .encodingFormat(format)
                .build();
        CreateEmbeddingResponse[] response = new CreateEmbeddingResponse[1];
        // The embedding model loads in the background after start; the gateway answers 503 until then.
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> (response[0] = openAi().embeddings().create(params)) != null);
        assertThat(response[0].usage().promptTokens()).isGreaterThan(texts.length);
        return response[0].data().stream().map(e -> e.embedding()).toList();
    }

    private static double cosine(List<Float> a, List<Float> b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.size(); i++) {
            dot += a.get(i) * b.get(i);
            na += a.get(i) * a.get(i);
            nb += b.get(i) * b.get(i);
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void modelsListAndRetrieve() {
        List<String> ids = new ArrayList<>();
        openAi().models().list().autoPager().forEach(m -> ids.add(m.id()));
        assertThat(ids).contains("echo", "all-minilm-l6-v2");

        Model echo = openAi().models().retrieve("echo");
        assertThat(echo.id()).isEqualTo("echo");
        assertThat(echo.ownedBy()).isNotBlank();
        // The catalog's fields ride along; the SDK keeps them as additional properties.
        assertThat(echo._additionalProperties().get("tasks").convert(List.class))
                .containsExactly("chat", "completions");
        assertThat(echo._additionalProperties()
                        .get("lifecycle")
                        .convert(Map.class)
                        .get("status"))
                .isEqualTo("generally-available");
    }

    @Test
    void azureDeploymentPathWithApiKeyHeader() {
        OpenAIClient azure = OpenAIOkHttpClient.builder()
                .baseUrl(baseUrl())
                .credential(AzureApiKeyCredential.create(KEY))
                .azureServiceVersion(AzureOpenAIServiceVersion.latestStableVersion())
                .azureUrlPathMode(AzureUrlPathMode.LEGACY)
                .maxRetries(0)
                .build();
        ChatCompletion c = azure.chat().completions().create(chat("echo", "hello there gateway", 100));
        assertThat(c.choices().get(0).message().content()).hasValue(ECHO_OF_HELLO);
    }

    @Test
    void azureV1PathWithApiKeyHeader() {
        OpenAIClient azure = OpenAIOkHttpClient.builder()
                .baseUrl(baseUrl() + "/openai/v1")
                .credential(AzureApiKeyCredential.create(KEY))
                .azureUrlPathMode(AzureUrlPathMode.UNIFIED)
                .maxRetries(0)
                .build();
        ChatCompletion c = azure.chat().completions().create(chat("echo", "hello there gateway", 100));
        assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(10);
    }
}

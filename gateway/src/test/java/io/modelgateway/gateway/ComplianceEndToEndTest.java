package io.modelgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.modelgateway.gateway.pipeline.Outcome;
import io.modelgateway.gateway.pipeline.RecordedCalls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Content rules end to end through the official SDK: every rule kind with every action, on the prompt and
 * on the answer, plain and streamed. The echo model repeats the prompt word by word, so a sensitive string
 * of several words reaches the answer's filter split across stream chunks.
 */
class ComplianceEndToEndTest extends GatewayTestBase {

    @Autowired
    javax.sql.DataSource dataSource;

    @Autowired
    RecordedCalls recorded;

    private String tenant;
    private OpenAIClient client;

    @BeforeEach
    void tenant() {
        tenant = "cf-" + UUID.randomUUID().toString().substring(0, 8);
        admin().createTenant(tenant, "echo", "slow-tokens");
        client = openAi(admin().issueKey(tenant));
    }

    /** A rule kind: its JSON, a sample sentence holding the sensitive part, and its default replacement. */
    record Kind(String type, String extra, String sentence, String sensitive, String replacement) {
        @Override
        public String toString() {
            return type;
        }
    }

    static Stream<Kind> kinds() {
        return Stream.of(
                new Kind(
                        "terms",
                        ",\"terms\":[\"secret sauce\",\"other\"]",
                        "the secret sauce recipe",
                        "secret sauce",
                        "[REDACTED]"),
                new Kind(
                        "regex",
                        ",\"pattern\":\"order\\\\s+#\\\\d{4}\"",
                        "about order #1234 today",
                        "order #1234",
                        "[REDACTED]"),
                new Kind("email", "", "mail jane.doe@example.com please", "jane.doe@example.com", "[EMAIL]"),
                new Kind("phone", "", "call +49 30 1234 5678 soon", "+49 30 1234 5678", "[PHONE]"),
                new Kind("payment_card", "", "pay 4111 1111 1111 1111 now", "4111 1111 1111 1111", "[CARD]"),
                new Kind("iban", "", "to DE89 3704 0044 0532 0130 00 thanks", "DE89 3704 0044 0532 0130 00", "[IBAN]"),
                new Kind(
                        "api_key",
                        "",
                        "key sk-proj-abcdefghijklmnopqrstuvwxyz0123 here",
                        "sk-proj-abcdefghijklmnopqrstuvwxyz0123",
                        "[SECRET]"));
    }

    static Stream<Arguments> kindsAndModes() {
        return kinds().flatMap(k -> Stream.of(Arguments.of(k, false), Arguments.of(k, true)));
    }

    private void policy(Kind kind, String action, String target) {
        policy("{\"rules\":[{\"id\":\"rule-" + kind.type + "\",\"type\":\"" + kind.type + "\",\"action\":\"" + action
                + "\",\"target\":\"" + target + "\"" + kind.extra + "}]}");
    }

    private void policy(String json) {
        admin().expect(200, "PUT", "/tenants/" + tenant + "/policy", json);
    }

    private static ChatCompletionCreateParams chat(String model, String text) {
        return ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessage(text)
                .maxCompletionTokens(100)
                .build();
    }

    /** The answer's text and finish reason, plain or streamed. */
    private record Answer(String text, String finishReason, List<String> deltas, String requestId) {}

    private Answer ask(String model, String text, boolean stream) {
        if (!stream) {
            try (var raw = client.chat().completions().withRawResponse().create(chat(model, text))) {
                ChatCompletion c = raw.parse();
                return new Answer(
                        c.choices().get(0).message().content().orElse(""),
                        c.choices().get(0).finishReason().asString(),
                        List.of(),
                        raw.headers().values("x-request-id").get(0));
            }
        }
        List<String> deltas = new ArrayList<>();
        String finish = null;
        String requestId;
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat(model, text))) {
            for (ChatCompletionChunk ch : (Iterable<ChatCompletionChunk>) s.stream()::iterator) {
                for (var choice : ch.choices()) {
                    choice.delta().content().filter(d -> !d.isEmpty()).ifPresent(deltas::add);
                    if (choice.finishReason().isPresent()) {
                        finish = choice.finishReason().get().asString();
                    }
                }
            }
            requestId = "";
        }
        return new Answer(String.join("", deltas), finish, deltas, requestId);
    }

    @ParameterizedTest(name = "{0} streamed={1}")
    @MethodSource("kindsAndModes")
    void aBlockedPromptIsA400ContentFilterNamingTheRule(Kind kind, boolean stream) {
        policy(kind, "block", "prompt");
        var e = catchThrowableOfType(BadRequestException.class, () -> ask("echo", kind.sentence, stream));
        assertThat(e).as(kind.type).isNotNull();
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.code()).hasValue("content_filter");
        assertThat(e.param()).hasValue("prompt");
        assertThat(e.body().toString()).contains("ResponsibleAIPolicyViolation").contains("rule-" + kind.type);
        assertThat(ask("echo", "nothing sensitive at all", stream).text()).contains("nothing sensitive");
    }

    @ParameterizedTest(name = "{0} streamed={1}")
    @MethodSource("kindsAndModes")
    void aRedactedPromptIsForwardedWithoutTheSensitivePart(Kind kind, boolean stream) {
        policy(kind, "redact", "prompt");
        Answer a = ask("echo", kind.sentence, stream);
        assertThat(a.text()).doesNotContain(kind.sensitive).contains(kind.replacement);
        assertThat(a.finishReason()).isEqualTo("stop");
    }

    @ParameterizedTest(name = "{0} streamed={1}")
    @MethodSource("kindsAndModes")
    void anAnnotatedPromptPassesUnchanged(Kind kind, boolean stream) {
        policy(kind, "annotate", "prompt");
        Answer a = ask("echo", kind.sentence, stream);
        assertThat(a.text()).contains(kind.sensitive);
        assertThat(a.finishReason()).isEqualTo("stop");
    }

    @ParameterizedTest(name = "{0} streamed={1}")
    @MethodSource("kindsAndModes")
    void aBlockedAnswerStopsWithFinishReasonContentFilter(Kind kind, boolean stream) {
        policy(kind, "block", "completion");
        Answer a = ask("echo", kind.sentence, stream);
        assertThat(a.finishReason()).isEqualTo("content_filter");
        assertThat(a.text()).startsWith("user:").doesNotContain(kind.sensitive);
    }

    @ParameterizedTest(name = "{0} streamed={1}")
    @MethodSource("kindsAndModes")
    void aRedactedAnswerNeverCarriesTheSensitivePartEvenAcrossChunks(Kind kind, boolean stream) {
        policy(kind, "redact", "completion");
        Answer a = ask("echo", kind.sentence, stream);
        String expected = ("user: " + kind.sentence + " assistant:").replace(kind.sensitive, kind.replacement);
        assertThat(a.text()).isEqualTo(expected);
        assertThat(a.finishReason()).isEqualTo("stop");
        String firstWord = kind.sensitive.split(" ")[0];
        assertThat(a.deltas()).noneMatch(d -> d.contains(firstWord));
    }

    @ParameterizedTest(name = "{0} streamed={1}")
    @MethodSource("kindsAndModes")
    void anAnnotatedAnswerIsUnchanged(Kind kind, boolean stream) {
        policy(kind, "annotate", "completion");
        Answer a = ask("echo", kind.sentence, stream);
        assertThat(a.text()).isEqualTo("user: " + kind.sentence + " assistant:");
        assertThat(a.finishReason()).isEqualTo("stop");
    }

    @Test
    void aTermSplitAcrossStreamChunksStopsTheStreamAndCancelsTheBackend() {
        policy(
                "{\"rules\":[{\"id\":\"sauce\",\"type\":\"terms\",\"terms\":[\"secret sauce\"],\"target\":\"completion\"}]}");
        long cancelled = SLOW_TOKENS.cancelledRequests();
        Answer a = ask("slow-tokens", "the secret sauce is tasty and there are many more words after it", true);
        assertThat(a.deltas()).containsExactly("user:", " the", " secret");
        assertThat(a.finishReason()).isEqualTo("content_filter");
        await().atMost(Duration.ofSeconds(5)).until(() -> SLOW_TOKENS.cancelledRequests() > cancelled);
    }

    @Test
    void responsesCarryAzureFilterAnnotations() throws Exception {
        policy("{\"rules\":[{\"id\":\"mail\",\"type\":\"email\",\"action\":\"annotate\"},"
                + "{\"id\":\"cards\",\"type\":\"payment_card\",\"action\":\"redact\",\"target\":\"completion\"}]}");
        JsonNode body = AdminClient.JSON.readTree(post("{\"model\":\"echo\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"mail bob@example.com card 4111 1111 1111 1111\"}]}")
                .body());
        JsonNode prompt = body.path("prompt_filter_results").get(0);
        assertThat(prompt.path("prompt_index").asInt()).isZero();
        assertThat(prompt.path("content_filter_results")
                        .path("pii")
                        .path("detected")
                        .asBoolean())
                .isTrue();
        assertThat(prompt.path("content_filter_results")
                        .path("pii")
                        .path("filtered")
                        .asBoolean())
                .isFalse();
        JsonNode choice = body.path("choices").get(0);
        JsonNode pii = choice.path("content_filter_results").path("pii");
        assertThat(pii.path("filtered").asBoolean()).isTrue();
        assertThat(pii.path("details").findValuesAsString("id")).contains("cards", "mail");
        assertThat(choice.path("message").path("content").asString())
                .contains("[CARD]")
                .contains("bob@example.com");

        String stream = post("{\"model\":\"echo\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"mail bob@example.com\"}]}")
                .body();
        String first =
                stream.lines().filter(l -> l.startsWith("data: {")).findFirst().orElseThrow();
        JsonNode chunk = AdminClient.JSON.readTree(first.substring(6));
        assertThat(chunk.path("choices").isEmpty()).isTrue();
        assertThat(chunk.path("prompt_filter_results")
                        .get(0)
                        .path("content_filter_results")
                        .has("pii"))
                .isTrue();
    }

    @Test
    void aBlockedPromptIsBilledOrNotAsThePolicySaysAndAudited() throws Exception {
        policy("{\"rules\":[{\"id\":\"no-foo\",\"type\":\"terms\",\"terms\":[\"foo\"]}]}");
        HttpResponse<String> r =
                post("{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"say foo\"}]}");
        JsonNode error = AdminClient.error(r, 400, "content_filter");
        assertThat(error.path("innererror").path("code").asString()).isEqualTo("ResponsibleAIPolicyViolation");
        JsonNode blocklists =
                error.path("innererror").path("content_filter_result").path("custom_blocklists");
        assertThat(blocklists.path("filtered").asBoolean()).isTrue();
        assertThat(blocklists.path("details").get(0).path("id").asString()).isEqualTo("no-foo");
        String billed = r.headers().firstValue("x-request-id").orElseThrow();
        var ended = await().until(() -> recorded.get(billed), e -> e != null);
        assertThat(ended.result().outcome()).isEqualTo(Outcome.FILTERED);
        assertThat(ended.result().usage().promptTokens()).isPositive();
        assertThat(ended.call().forwarded()).isFalse();

        policy("{\"bill_filtered_prompts\":false,\"audit_matched_text\":true,"
                + "\"rules\":[{\"id\":\"no-foo\",\"type\":\"terms\",\"terms\":[\"foo\"]}]}");
        String free = post("{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"say FOO\"}]}")
                .headers()
                .firstValue("x-request-id")
                .orElseThrow();
        var unbilled = await().until(() -> recorded.get(free), e -> e != null);
        assertThat(unbilled.result().outcome()).isEqualTo(Outcome.FILTERED);
        assertThat(unbilled.result().usage().totalTokens()).isZero();
        // the billed blocked prompt has its usage record (outcome filtered, prompt tokens only); the free one none
        var records = org.springframework.jdbc.core.simple.JdbcClient.create(dataSource);
        assertThat(await().atMost(Duration.ofSeconds(10))
                        .until(
                                () -> records.sql(
                                                "SELECT outcome, input_tokens, output_tokens FROM usage_record WHERE request_id = ?")
                                        .param(billed)
                                        .query()
                                        .listOfRows(),
                                rows -> rows.size() == 1)
                        .get(0))
                .containsEntry("outcome", "filtered")
                .containsEntry("input_tokens", ended.result().usage().promptTokens())
                .containsEntry("output_tokens", 0);
        assertThat(records.sql("SELECT COUNT(*) FROM usage_record WHERE request_id = ?")
                        .param(free)
                        .query(Long.class)
                        .single())
                .isZero();

        JsonNode audit = await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> admin().expect(200, "GET", "/audit?tenant=" + tenant + "&since=0", null)
                                .path("data"),
                        d -> d.size() == 2);
        assertThat(audit.get(0).path("request_id").asString()).isEqualTo(billed);
        assertThat(audit.get(0).path("rule").asString()).isEqualTo("no-foo");
        assertThat(audit.get(0).path("action").asString()).isEqualTo("block");
        assertThat(audit.get(0).path("target").asString()).isEqualTo("prompt");
        assertThat(audit.get(0).path("matched_text").isNull()).isTrue();
        assertThat(audit.get(1).path("request_id").asString()).isEqualTo(free);
        assertThat(audit.get(1).path("matched_text").asString()).isEqualTo("FOO");
        assertThat(admin().expect(200, "GET", "/audit?tenant=someone-else&since=0", null)
                        .path("data")
                        .isEmpty())
                .isTrue();
    }

    @Test
    @Timeout(60) // a hang guard, not a speed claim: with a backtracking engine this call would never end
    void aCatastrophicBacktrackingPatternAnswersPromptly() throws Exception {
        policy("{\"rules\":[{\"id\":\"evil\",\"type\":\"regex\",\"pattern\":\"(a+)+$\",\"target\":\"prompt\"},"
                + "{\"id\":\"evil2\",\"type\":\"regex\",\"pattern\":\"(a|aa)+b\",\"target\":\"both\"}]}");
        String prompt = "a".repeat(30_000) + "!";
        HttpResponse<String> r = post("{\"model\":\"echo\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + prompt + "\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void invalidPoliciesAreRefusedWithTheReason() {
        var r = admin().send(
                        "PUT",
                        "/tenants/" + tenant + "/policy",
                        "{\"rules\":[{\"id\":\"br\",\"type\":\"regex\",\"pattern\":\"(a)\\\\1\"}]}");
        assertThat(AdminClient.error(r, 400, "invalid_value").path("message").asString())
                .contains("'br'");
        AdminClient.error(
                admin().send("PUT", "/tenants/" + tenant + "/policy", "{\"max_tokens\":0}"), 400, "invalid_value");
        AdminClient.error(
                admin().send("PUT", "/tenants/" + tenant + "/policy", "{\"nope\":1}"), 400, "unknown_parameter");
        AdminClient.error(admin().send("PUT", "/tenants/no-such-tenant/policy", "{}"), 404, "not_found");
        AdminClient.error(
                admin().as(KEY).send("GET", "/tenants/" + tenant + "/policy", null), 403, "insufficient_scope");
    }

    private HttpResponse<String> post(String body) throws Exception {
        String k = admin().issueKey(tenant);
        HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + k)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    }
}

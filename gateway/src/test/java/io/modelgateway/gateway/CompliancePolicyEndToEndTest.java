package io.modelgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Policy limits, regions and policy levels end to end through the official SDK. */
class CompliancePolicyEndToEndTest extends GatewayTestBase {

    private String tenant;
    private OpenAIClient client;

    @BeforeEach
    void tenant() {
        tenant = "cp-" + UUID.randomUUID().toString().substring(0, 8);
        admin().createTenant(tenant, "echo", "slow-tokens", "unreachable", "all-minilm-l6-v2");
        client = openAi(admin().issueKey(tenant));
    }

    private void policy(String json) {
        admin().expect(200, "PUT", "/tenants/" + tenant + "/policy", json);
    }

    private static ChatCompletionCreateParams.Builder chat(String model, String text) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(text);
    }

    private ChatCompletion create(ChatCompletionCreateParams.Builder params) {
        return client.chat().completions().create(params.build());
    }

    private static <T extends OpenAIServiceException> T expect(T e, int status, String code, String param) {
        assertThat(e).isNotNull();
        assertThat(e.statusCode()).isEqualTo(status);
        assertThat(e.code()).hasValue(code);
        if (param != null) {
            assertThat(e.param()).hasValue(param);
        }
        return e;
    }

    @Test
    void maxTokensAreLoweredToTheCapOrRefusedAsThePolicySays() {
        policy("{\"max_tokens\":3}");
        ChatCompletion c = create(chat("echo", "one two three four five six").maxCompletionTokens(50));
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(3);
        assertThat(c.choices().get(0).finishReason().asString()).isEqualTo("length");

        policy("{\"max_tokens\":3,\"max_tokens_action\":\"refuse\"}");
        expect(
                catchThrowableOfType(
                        BadRequestException.class,
                        () -> create(chat("echo", "one two three four").maxCompletionTokens(50))),
                400,
                "max_tokens_too_large",
                "max_completion_tokens");
        // A request that did not ask is lowered, not refused.
        assertThat(create(chat("echo", "one two three four five"))
                        .usage()
                        .orElseThrow()
                        .completionTokens())
                .isEqualTo(3);
        assertThat(create(chat("echo", "one").maxCompletionTokens(3)).choices()).hasSize(1);
    }

    @Test
    void promptTokensRequestBytesAndParametersAreCapped() {
        policy("{\"max_prompt_tokens\":10}");
        expect(
                catchThrowableOfType(
                        BadRequestException.class, () -> create(chat("echo", "a b c d e f g h i j k l m n o p"))),
                400,
                "prompt_too_long",
                "messages");
        assertThat(create(chat("echo", "short")).choices()).hasSize(1);

        policy("{\"max_request_bytes\":200}");
        var tooLarge = catchThrowableOfType(OpenAIServiceException.class, () -> create(chat("echo", "x".repeat(300))));
        expect(tooLarge, 413, "request_too_large", null);

        policy("{\"allowed_parameters\":[\"max_completion_tokens\",\"stream\"]}");
        expect(
                catchThrowableOfType(
                        BadRequestException.class,
                        () -> create(chat("echo", "hi").temperature(0.5))),
                400,
                "parameter_not_allowed",
                "temperature");
        assertThat(create(chat("echo", "hi").maxCompletionTokens(5)).choices()).hasSize(1);
    }

    @Test
    void aRegionBoundTenantGets503WhenItsRegionIsDownAndNeverAForeignBackend() {
        policy("{\"regions\":[\"eu\"]}");
        long usStarted = SLOW_TOKENS.startedRequests();
        // The eu deployment's backend is down: 503, as for any tenant.
        expect(
                catchThrowableOfType(InternalServerException.class, () -> create(chat("unreachable", "hello"))),
                503,
                "backend_unavailable",
                null);
        var streamed = catchThrowableOfType(InternalServerException.class, () -> {
            try (var s = client.chat()
                    .completions()
                    .createStreaming(chat("unreachable", "hello").build())) {
                s.stream().count();
            }
        });
        expect(streamed, 503, "backend_unavailable", null);
        // Deployments outside eu (or without a region) are refused before any backend is called.
        expect(
                catchThrowableOfType(PermissionDeniedException.class, () -> create(chat("slow-tokens", "hello"))),
                403,
                "region_not_allowed",
                "model");
        expect(
                catchThrowableOfType(PermissionDeniedException.class, () -> create(chat("echo", "hello"))),
                403,
                "region_not_allowed",
                "model");
        assertThat(SLOW_TOKENS.startedRequests()).isEqualTo(usStarted);

        policy("{\"regions\":[\"eu\",\"us\"]}");
        assertThat(create(chat("slow-tokens", "hi")).choices()).hasSize(1);
        assertThat(SLOW_TOKENS.startedRequests()).isEqualTo(usStarted + 1);
    }

    @Test
    void deploymentOverridesReplaceTheTenantDefaultAndThePlatformDefaultAppliesBelowBoth() {
        policy("{\"max_tokens\":2,\"rules\":[{\"id\":\"no-foo\",\"type\":\"terms\",\"terms\":[\"foo\"]}]}");
        admin().expect(
                        200,
                        "PUT",
                        "/tenants/" + tenant + "/policy/deployments/slow-tokens",
                        "{\"max_tokens\":4,\"rules\":[]}");
        expect(
                catchThrowableOfType(BadRequestException.class, () -> create(chat("echo", "foo"))),
                400,
                "content_filter",
                "prompt");
        ChatCompletion overridden = create(chat("slow-tokens", "foo a b c d e f"));
        assertThat(overridden.usage().orElseThrow().completionTokens()).isEqualTo(4);

        JsonNode effective =
                admin().expect(200, "GET", "/tenants/" + tenant + "/policy/effective?deployment=slow-tokens", null);
        assertThat(effective.path("max_tokens").asInt()).isEqualTo(4);
        assertThat(effective.path("rules").isEmpty()).isTrue();
        assertThat(admin().expect(200, "GET", "/tenants/" + tenant + "/policy", null)
                        .path("max_tokens")
                        .asInt())
                .isEqualTo(2);
        admin().expect(204, "DELETE", "/tenants/" + tenant + "/policy/deployments/slow-tokens", null);
        admin().expect(404, "GET", "/tenants/" + tenant + "/policy/deployments/slow-tokens", null);
        admin().expect(404, "PUT", "/tenants/" + tenant + "/policy/deployments/nope", "{}");

        admin().expect(204, "DELETE", "/tenants/" + tenant + "/policy", null);
        try {
            admin().expect(200, "PUT", "/policies/default", "{\"max_tokens\":1}");
            assertThat(create(chat("echo", "a b c")).usage().orElseThrow().completionTokens())
                    .isEqualTo(1);
            policy("{\"max_tokens\":2}");
            assertThat(create(chat("echo", "a b c")).usage().orElseThrow().completionTokens())
                    .isEqualTo(2);
        } finally {
            admin().expect(204, "DELETE", "/policies/default", null);
        }
        assertThat(create(chat("echo", "a b c")).usage().orElseThrow().completionTokens())
                .isEqualTo(2);
    }

    @Test
    void embeddingInputsAreScannedToo() {
        policy("{\"rules\":[{\"id\":\"mail\",\"type\":\"email\",\"target\":\"prompt\"}]}");
        var params = EmbeddingCreateParams.builder()
                .model("all-minilm-l6-v2")
                .inputOfArrayOfStrings(java.util.List.of("fine text", "mail bob@example.com"))
                .build();
        expect(
                catchThrowableOfType(
                        BadRequestException.class, () -> client.embeddings().create(params)),
                400,
                "content_filter",
                "prompt");
        policy("{\"rules\":[{\"id\":\"mail\",\"type\":\"email\",\"action\":\"redact\",\"target\":\"prompt\"}]}");
        assertThat(client.embeddings().create(params).data()).hasSize(2);
    }
}

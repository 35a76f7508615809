package io.modelgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.openai.azure.AzureOpenAIServiceVersion;
import com.openai.azure.AzureUrlPathMode;
import com.openai.azure.credential.AzureApiKeyCredential;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every way in (Bearer key, Azure's api-key header) and every way out (missing, malformed, unknown,
 * revoked, expired key; suspended tenant; deployment not allowed; missing scope), through the SDK.
 */
class TenancyEndToEndTest extends GatewayTestBase {

    private String tenant;
    private String key;

    @BeforeEach
    void tenantAllowedOnEchoOnly() {
        tenant = "acme-" + UUID.randomUUID().toString().substring(0, 8);
        admin().createTenant(tenant, "echo");
        key = admin().issueKey(tenant);
    }

    static ChatCompletionCreateParams chat(String model) {
        return ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessage("hello")
                .maxCompletionTokens(5)
                .build();
    }

    static <T extends OpenAIServiceException> T assertOpenAiError(T e, int status, String code) {
        assertThat(e).isNotNull();
        assertThat(e.statusCode()).isEqualTo(status);
        assertThat(e.code()).hasValue(code);
        assertThat(e.type()).hasValue("invalid_request_error");
        assertThat(e.headers().values("x-request-id")).hasSize(1);
        return e;
    }

    private ChatCompletion chatWith(String k) {
        return openAi(k).chat().completions().create(chat("echo"));
    }

    @Test
    void issuedKeyAsBearerReachesTheModel() {
        assertThat(key).startsWith("sk-mg-");
        assertThat(chatWith(key).choices()).hasSize(1);
    }

    @Test
    void issuedKeyInAzureApiKeyHeaderReachesTheModel() {
        OpenAIClient azure = OpenAIOkHttpClient.builder()
                .baseUrl(baseUrl())
                .credential(AzureApiKeyCredential.create(key))
                .azureServiceVersion(AzureOpenAIServiceVersion.latestStableVersion())
                .azureUrlPathMode(AzureUrlPathMode.LEGACY)
                .maxRetries(0)
                .build();
        assertThat(azure.chat().completions().create(chat("echo")).choices()).hasSize(1);
    }

    @Test
    void keyFromConfigurationWorksAndItsTenantExists() {
        assertThat(chatWith(CONFIGURED_KEY).choices()).hasSize(1);
        assertThat(admin().expect(200, "GET", "/tenants/configured-tenant", null)
                        .get("status")
                        .asString())
                .isEqualTo("active");
        admin().expect(200, "POST", "/tenants/configured-tenant/suspend", null);
        assertOpenAiError(
                catchThrowableOfType(PermissionDeniedException.class, () -> chatWith(CONFIGURED_KEY)),
                403,
                "tenant_suspended");
        admin().expect(200, "POST", "/tenants/configured-tenant/activate", null);
    }

    @Test
    void unknownKeyIs401() {
        var e = catchThrowableOfType(UnauthorizedException.class, () -> chatWith("sk-mg-" + "x".repeat(43)));
        assertOpenAiError(e, 401, "invalid_api_key");
    }

    @Test
    void malformedKeysAre401() {
        assertOpenAiError(
                catchThrowableOfType(UnauthorizedException.class, () -> chatWith("not a key at all")),
                401,
                "invalid_api_key");
        assertOpenAiError(
                catchThrowableOfType(UnauthorizedException.class, () -> chatWith("a.b")), 401, "invalid_api_key");
        // Three dot-separated parts look like a JWT: the resource server refuses it.
        assertOpenAiError(
                catchThrowableOfType(UnauthorizedException.class, () -> chatWith("x.y.z")), 401, "invalid_token");
    }

    @Test
    void revokedKeyIs401() {
        String id = keyId(key);
        admin().expect(200, "POST", "/keys/" + id + "/revoke", null);
        var e = catchThrowableOfType(UnauthorizedException.class, () -> chatWith(key));
        assertOpenAiError(e, 401, "invalid_api_key");
        assertThat(e.getMessage()).contains("revoked");
    }

    @Test
    void expiredKeyIs401() {
        // Expiry is checked against the injected clock on every request (see TenancyServiceTest for the
        // boundary with a fixed clock); here the key simply runs out a second or two after it was issued.
        long expiresAt = Instant.now().plusSeconds(2).getEpochSecond();
        String shortLived = admin().issueKey(tenant, "{\"name\":\"short\",\"expires_at\":" + expiresAt + "}");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var e = catchThrowableOfType(UnauthorizedException.class, () -> chatWith(shortLived));
            assertOpenAiError(e, 401, "invalid_api_key");
            assertThat(e.getMessage()).contains("expired");
        });
    }

    @Test
    void suspendedTenantIs403UntilActivated() {
        admin().expect(200, "POST", "/tenants/" + tenant + "/suspend", null);
        var e = catchThrowableOfType(PermissionDeniedException.class, () -> chatWith(key));
        assertOpenAiError(e, 403, "tenant_suspended");
        admin().expect(200, "POST", "/tenants/" + tenant + "/activate", null);
        assertThat(chatWith(key).choices()).hasSize(1);
    }

    @Test
    void deploymentNotAllowedLooksLikeOneThatDoesNotExist() {
        var params = EmbeddingCreateParams.builder()
                .model("all-minilm-l6-v2")
                .input("cats")
                .build();
        var e = catchThrowableOfType(
                NotFoundException.class, () -> openAi(key).embeddings().create(params));
        assertOpenAiError(e, 404, "model_not_found");
        assertOpenAiError(
                catchThrowableOfType(
                        NotFoundException.class, () -> openAi(key).models().retrieve("all-minilm-l6-v2")),
                404,
                "model_not_found");
        assertThat(openAi(key).models().list().data()).extracting(Model::id).containsExactly("echo");
        // The demo tenant may use every deployment.
        assertThat(openAi().embeddings().create(params).data()).hasSize(1);
    }

    @Test
    void deploymentNotAllowedOnAzurePathIs404() {
        OpenAIClient azure = OpenAIOkHttpClient.builder()
                .baseUrl(baseUrl())
                .credential(AzureApiKeyCredential.create(key))
                .azureServiceVersion(AzureOpenAIServiceVersion.latestStableVersion())
                .azureUrlPathMode(AzureUrlPathMode.LEGACY)
                .maxRetries(0)
                .build();
        var e = catchThrowableOfType(
                NotFoundException.class, () -> azure.chat().completions().create(chat("slow-tokens")));
        assertOpenAiError(e, 404, "model_not_found");
    }

    @Test
    void keyWithoutTheInferenceScopeIs403() {
        String usageOnly = admin().issueKey(tenant, "{\"name\":\"usage\",\"scopes\":[\"usage.read\"]}");
        var e = catchThrowableOfType(PermissionDeniedException.class, () -> chatWith(usageOnly));
        assertOpenAiError(e, 403, "insufficient_scope");
    }

    @Test
    void platformKeysCannotCallModels() {
        String finance = admin().expect(201, "POST", "/keys", "{\"name\":\"fin\",\"scopes\":[\"finance\"]}")
                .get("key")
                .asString();
        var e = catchThrowableOfType(PermissionDeniedException.class, () -> chatWith(finance));
        assertOpenAiError(e, 403, "insufficient_scope");
    }

    @Test
    void lastUsedIsRecordedWithinSeconds() {
        String id = keyId(key);
        assertThat(admin().expect(200, "GET", "/keys/" + id, null).has("last_used_at"))
                .isFalse();
        chatWith(key);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(admin().expect(200, "GET", "/keys/" + id, null)
                                .path("last_used_at")
                                .asLong(0))
                        .isPositive());
    }

    private String keyId(String fullKey) {
        var keys =
                admin().expect(200, "GET", "/tenants/" + tenant + "/keys", null).get("data");
        for (var k : keys) {
            if (fullKey.endsWith(k.get("last_four").asString())) {
                return k.get("id").asString();
            }
        }
        throw new AssertionError("no key ending like " + fullKey.substring(fullKey.length() - 4));
    }
}

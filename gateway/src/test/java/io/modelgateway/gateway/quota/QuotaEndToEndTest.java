package io.modelgateway.gateway.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelgateway.gateway.AdminClient;
import io.modelgateway.gateway.GatewayTestBase;
import io.modelgateway.gateway.pipeline.RecordedCalls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Quotas through the real HTTP API on the shared test gateway (in-memory buckets, real clock): limits set
 * through the admin API apply at once, headers on every response, 429 and 400 in OpenAI's shape, the
 * estimate held while a call runs and refunded when it ends. Each test uses its own tenant.
 */
class QuotaEndToEndTest extends GatewayTestBase {

    @Autowired
    RecordedCalls calls;

    @Test
    void aTenantOverrideAppliesWithoutRestartAndEveryResponseCarriesTheHeaders() {
        Tenant t = tenant("echo");
        HttpResponse<String> free = chat(t.key, "echo", 5);
        assertThat(free.statusCode()).isEqualTo(200);
        assertThat(free.headers().firstValue("x-ratelimit-limit-requests"))
                .as("no limit, no headers")
                .isEmpty();

        JsonNode view = admin().expect(200, "PUT", "/tenants/" + t.id + "/limits/echo", "{\"rpm\":2,\"tpm\":100000}");
        assertThat(view.get("rpm").asLong()).isEqualTo(2);
        assertThat(view.get("override").get("tpm").asLong()).isEqualTo(100000);

        HttpResponse<String> first = chat(t.key, "echo", 5);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(header(first, "x-ratelimit-limit-requests")).isEqualTo(2);
        assertThat(header(first, "x-ratelimit-remaining-requests")).isEqualTo(1);
        assertThat(first.headers().firstValue("x-ratelimit-reset-requests"))
                .hasValueSatisfying(v -> assertThat(v).matches("[0-9.]+m?s|[0-9]+m[0-9.]+s"));
        assertThat(header(first, "x-ratelimit-limit-tokens")).isEqualTo(100000);
        assertThat(header(first, "x-ratelimit-remaining-tokens")).isBetween(100000L - 100, 100000L - 5);
        assertThat(chat(t.key, "echo", 5).statusCode()).isEqualTo(200);

        HttpResponse<String> refused = chat(t.key, "echo", 5);
        JsonNode error = AdminClient.error(refused, 429, "rate_limit_exceeded");
        assertThat(error.get("type").asString()).isEqualTo("requests");
        assertThat(header(refused, "x-ratelimit-remaining-requests")).isZero();
        long retryMs = header(refused, "retry-after-ms");
        assertThat(retryMs).as("one request back every 30 s").isBetween(25_000L, 30_000L);
        assertThat(header(refused, "retry-after")).isEqualTo((retryMs + 999) / 1000);

        admin().expect(200, "PUT", "/tenants/" + t.id + "/limits/echo", "{\"rpm\":100}");
        HttpResponse<String> raised = chat(t.key, "echo", 5);
        assertThat(raised.statusCode()).as("raised limit in force at once").isEqualTo(200);
        assertThat(header(raised, "x-ratelimit-limit-requests")).isEqualTo(100);
        assertThat(raised.headers().firstValue("x-ratelimit-limit-tokens"))
                .as("tpm back to the default: none")
                .isEmpty();

        admin().expect(200, "DELETE", "/tenants/" + t.id + "/limits/echo", null);
        assertThat(chat(t.key, "echo", 5).headers().firstValue("x-ratelimit-limit-requests"))
                .isEmpty();
    }

    @Test
    void theEstimateIsHeldWhileACallRunsAndTheUnusedPartComesBackWhenItEnds() throws Exception {
        Tenant t = tenant("slow-tokens");
        admin().expect(200, "PUT", "/tenants/" + t.id + "/limits/slow-tokens", "{\"tpm\":300}");
        // 20 tokens per second: the first call runs about two seconds and holds prompt + 200 tokens.
        CompletableFuture<HttpResponse<String>> running = CompletableFuture.supplyAsync(() -> chat(
                t.key,
                "slow-tokens",
                200,
                "one two three four five six seven eight nine ten eleven twelve "
                        + "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty twenty-one "
                        + "twenty-two twenty-three twenty-four twenty-five twenty-six twenty-seven"));
        // admitted (its estimate held) once it has reached the backend
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.forwardedNow(t.id));
        HttpResponse<String> whileRunning = chat(t.key, "slow-tokens", 200);
        JsonNode error = AdminClient.error(whileRunning, 429, "rate_limit_exceeded");
        assertThat(error.get("type").asString()).isEqualTo("tokens");
        assertThat(header(whileRunning, "x-ratelimit-remaining-tokens")).isLessThan(100);

        HttpResponse<String> done = running.get();
        assertThat(done.statusCode()).isEqualTo(200);
        long used = AdminClient.JSON
                .readTree(done.body())
                .get("usage")
                .get("total_tokens")
                .asLong();
        assertThat(used).isLessThan(150);
        HttpResponse<String> after = chat(t.key, "slow-tokens", 200);
        assertThat(after.statusCode())
                .as("the unused part of the estimate was refunded")
                .isEqualTo(200);
    }

    @Test
    void aCallLargerThanTheWholeTokenLimitIsA400ThatSaysSo() {
        Tenant t = tenant("echo");
        admin().expect(200, "PUT", "/tenants/" + t.id + "/limits/echo", "{\"rpm\":10,\"tpm\":100}");
        HttpResponse<String> r = chat(t.key, "echo", 500);
        JsonNode error = AdminClient.error(r, 400, "tokens_exceed_limit");
        assertThat(error.get("param").asString()).isEqualTo("max_tokens");
        assertThat(error.get("message").asString()).contains("tokens-per-minute limit of 100");
        assertThat(header(r, "x-ratelimit-limit-tokens")).isEqualTo(100);
        assertThat(header(r, "x-ratelimit-remaining-tokens")).isEqualTo(100);
        assertThat(header(r, "x-ratelimit-remaining-requests"))
                .as("a 400 takes no request")
                .isEqualTo(10);
    }

    @Test
    void perKeyLimitsBindOneKeyOnly() {
        Tenant t = tenant("echo");
        String other = admin().issueKey(t.id);
        String keyId = admin().expect(200, "GET", "/tenants/" + t.id + "/keys", null)
                .get("data")
                .valueStream()
                .filter(k -> t.key.endsWith(k.get("last_four").asString()))
                .findFirst()
                .orElseThrow()
                .get("id")
                .asString();
        JsonNode view = admin().expect(200, "PUT", "/keys/" + keyId + "/limits/echo", "{\"rpm\":1}");
        assertThat(view.get("key").asString()).isEqualTo(keyId);
        assertThat(chat(t.key, "echo", 5).statusCode()).isEqualTo(200);
        assertThat(chat(t.key, "echo", 5).statusCode()).isEqualTo(429);
        assertThat(chat(other, "echo", 5).statusCode()).isEqualTo(200);
        admin().expect(200, "DELETE", "/keys/" + keyId + "/limits/echo", null);
        assertThat(chat(t.key, "echo", 5).statusCode()).isEqualTo(200);
    }

    @Test
    void theAdminApiValidatesWhatItStores() {
        Tenant t = tenant("echo");
        admin().expect(404, "PUT", "/tenants/no-such-tenant/limits/echo", "{\"rpm\":1}");
        admin().expect(404, "PUT", "/tenants/" + t.id + "/limits/no-such-deployment", "{\"rpm\":1}");
        AdminClient.error(
                admin().send("PUT", "/tenants/" + t.id + "/limits/echo", "{\"rpm\":0}"), 400, "invalid_value");
        AdminClient.error(
                admin().send("PUT", "/tenants/" + t.id + "/limits/echo", "{\"rpm\":\"many\"}"), 400, "invalid_value");
        AdminClient.error(
                admin().send("PUT", "/tenants/" + t.id + "/limits/echo", "{\"rps\":1}"), 400, "unknown_parameter");
        AdminClient.error(
                admin().as(t.key).send("PUT", "/tenants/" + t.id + "/limits/echo", "{\"rpm\":1}"),
                403,
                "insufficient_scope");
        JsonNode list = admin().expect(200, "GET", "/tenants/" + t.id + "/limits", null);
        assertThat(list.get("data").size()).isGreaterThan(1);
        JsonNode one = admin().expect(200, "GET", "/tenants/" + t.id + "/limits/echo", null);
        assertThat(one.get("rpm").isNull()).isTrue();
    }

    @Test
    void healthShowsTheStoreInUse() {
        JsonNode health =
                AdminClient.JSON.readTree(send(HttpRequest.newBuilder(URI.create(managementUrl() + "/actuator/health"))
                                .GET())
                        .body());
        assertThat(health.get("components").get("quota").get("status").asString())
                .isEqualTo("UP");
        assertThat(health.get("components")
                        .get("quota")
                        .get("details")
                        .get("store")
                        .asString())
                .isEqualTo("memory");
    }

    private record Tenant(String id, String key) {}

    private Tenant tenant(String... deployments) {
        String id = "q-" + UUID.randomUUID().toString().substring(0, 8);
        admin().createTenant(id, deployments);
        return new Tenant(id, admin().issueKey(id));
    }

    private HttpResponse<String> chat(String key, String model, int maxTokens) {
        return chat(key, model, maxTokens, "hi");
    }

    private HttpResponse<String> chat(String key, String model, int maxTokens, String content) {
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long header(HttpResponse<String> r, String name) {
        return Long.parseLong(r.headers()
                .firstValue(name)
                .orElseThrow(() -> new AssertionError("no " + name + " header in " + r.statusCode() + " "
                        + r.headers().map())));
    }
}

package io.modelgateway.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.AdminClient;
import io.modelgateway.gateway.GatewayTestBase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The quote endpoints over real HTTP on the shared test gateway: the answer's shape, refusals by each limit
 * (policy, RPM, TPM with its scope and until when, credits, lifecycle, too large for the TPM limit), the same
 * 4xx as the call for bad input, and that a quote consumes nothing. Each test has its own tenant.
 */
class QuoteEndToEndTest extends GatewayTestBase {

    private final HttpClient http = HttpClient.newHttpClient();
    private final String tag = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void aQuoteNamesTheEstimateThePriceAndTheHoldAndConsumesNothing() throws Exception {
        String deployment = priced("shape");
        String[] t = tenant(deployment);
        admin().expect(200, "PUT", "/tenants/" + t[0] + "/limits/" + deployment, "{\"rpm\":3}");
        admin().expect(201, "POST", "/tenants/" + t[0] + "/credits/grants", "{\"amount\":\"5.00\"}");
        String body = "{\"model\":\"" + deployment + "\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"one two three\"}]}";
        JsonNode q = null;
        for (int i = 0; i < 10; i++) {
            q = quote(t[1], "/v1/chat/completions/quote", body, 200);
            assertThat(q.get("allowed").asBoolean()).as(q.toString()).isTrue();
        }
        assertThat(q.get("object").asString()).isEqualTo("quote");
        assertThat(q.get("operation").asString()).isEqualTo("chat.completions");
        assertThat(q.get("refused_by").isNull()).isTrue();
        JsonNode tokens = q.get("tokens");
        int prompt = tokens.get("prompt").asInt();
        assertThat(prompt).isPositive();
        assertThat(tokens.get("max_tokens").asInt()).isEqualTo(100);
        assertThat(tokens.get("n").asInt()).isEqualTo(1);
        assertThat(tokens.get("estimate").asLong()).isEqualTo(prompt + 100);
        assertThat(q.get("pricing").get("output_per_1m_micros").asLong()).isEqualTo(1_000_000_000L);
        // 2.50 per 1M input, 1000 per 1M output, 0.001 per request
        long expected = (prompt * 2_500_000L + 999_999) / 1_000_000 + 100 * 1_000 + 1_000;
        assertThat(q.get("max_cost_micros").asLong()).isBetween(expected - 1, expected);
        assertThat(q.get("max_cost").asString())
                .isEqualTo(java.math.BigDecimal.valueOf(q.get("max_cost_micros").asLong(), 6)
                        .toPlainString());
        assertThat(q.get("available_micros").asLong()).isEqualTo(5_000_000);
        assertThat(q.get("affordable_max_tokens").asInt()).isEqualTo(100);
        assertThat(balance(t[0]).get("held_micros").asLong())
                .as("a quote holds nothing")
                .isZero();

        HttpResponse<String> call = send(t[1], "/v1/chat/completions", body);
        assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
        assertThat(call.headers().firstValue("x-ratelimit-remaining-requests"))
                .as("ten quotes took no request")
                .hasValue("2");
    }

    @Test
    void aLowBalanceLowersTheAffordableMaxTokensAsTheCallIsLowered() throws Exception {
        String deployment = priced("afford");
        String[] t = tenant(deployment);
        admin().expect(201, "POST", "/tenants/" + t[0] + "/credits/grants", "{\"amount\":\"0.02\"}");
        String body = "{\"model\":\"" + deployment + "\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"one two three four five six seven eight nine ten eleven twelve\"}]}";
        JsonNode q = quote(t[1], "/v1/chat/completions/quote", body, 200);
        assertThat(q.get("allowed").asBoolean()).isTrue();
        int affordable = q.get("affordable_max_tokens").asInt();
        assertThat(affordable).isBetween(1, 18); // 0.02 - 0.001 per request, 0.001 per output token
        assertThat(q.get("max_cost_micros").asLong()).isLessThanOrEqualTo(20_000);

        admin().expect(
                        201,
                        "POST",
                        "/tenants/" + t[0] + "/credits/adjustments",
                        "{\"amount\":\"-0.02\",\"note\":\"test\"}");
        JsonNode broke = quote(t[1], "/v1/chat/completions/quote", body, 200);
        assertThat(broke.get("allowed").asBoolean()).isFalse();
        JsonNode refusal = broke.get("refused_by");
        assertThat(refusal.get("limit").asString()).isEqualTo("credits");
        assertThat(refusal.get("code").asString()).isEqualTo("insufficient_quota");
        assertThat(refusal.get("status").asInt()).isEqualTo(429);
        assertThat(broke.get("affordable_max_tokens").isNull()).isTrue();
        AdminClient.error(send(t[1], "/v1/chat/completions", body), 429, "insufficient_quota");
    }

    @Test
    void aQuoteRefusedByTpmUntilTIsFollowedByACallRefusedTheSameWay() throws Exception {
        String[] t = tenant("echo");
        admin().expect(200, "PUT", "/tenants/" + t[0] + "/limits/echo", "{\"tpm\":200}");
        String first = "{\"model\":\"echo\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho\"}]}";
        assertThat(send(t[1], "/v1/chat/completions", first).statusCode()).isEqualTo(200);
        int prompt = quote(t[1], "/v1/chat/completions/quote", first, 200)
                .get("tokens")
                .get("prompt")
                .asInt();
        // The whole limit: more than what is left after the first call's usage, never too large for the limit.
        String whole = "{\"model\":\"echo\",\"max_tokens\":" + (200 - prompt) + ",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho\"}]}";
        JsonNode q = quote(t[1], "/v1/chat/completions/quote", whole, 200);
        assertThat(q.get("tokens").get("estimate").asLong()).isEqualTo(200);
        assertThat(q.get("allowed").asBoolean()).as(q.toString()).isFalse();
        JsonNode refusal = q.get("refused_by");
        assertThat(refusal.get("limit").asString()).isEqualTo("tpm");
        assertThat(refusal.get("scope").asString()).isEqualTo("tenant");
        assertThat(refusal.get("status").asInt()).isEqualTo(429);
        assertThat(refusal.get("code").asString()).isEqualTo("rate_limit_exceeded");
        long quotedWait = refusal.get("retry_after_ms").asLong();
        assertThat(quotedWait).isPositive();
        assertThat(Instant.parse(refusal.get("retry_at").asString()))
                .isAfter(Instant.now().minusSeconds(60));

        HttpResponse<String> call = send(t[1], "/v1/chat/completions", whole);
        JsonNode error = AdminClient.error(call, 429, "rate_limit_exceeded");
        assertThat(error.get("message").asString())
                .contains("tokens per min (TPM)")
                .contains("Limit 200");
        assertThat(refusal.get("message").asString())
                .contains("tokens per min (TPM)")
                .contains("Limit 200");
        long callWait =
                Long.parseLong(call.headers().firstValue("retry-after-ms").orElseThrow());
        assertThat(callWait)
                .as("nothing was taken in between: the call waits no longer than quoted")
                .isBetween(1L, quotedWait);
    }

    @Test
    void rpmRefusalsNameTheirBucketAndAQuoteTooLargeForTheTpmLimitSaysSo() throws Exception {
        String[] t = tenant("echo");
        JsonNode issued = admin().expect(201, "POST", "/tenants/" + t[0] + "/keys", "{\"name\":\"limited\"}");
        String keyId = issued.get("id").asString();
        t[1] = issued.get("key").asString();
        admin().expect(200, "PUT", "/keys/" + keyId + "/limits/echo", "{\"rpm\":1}");
        admin().expect(200, "PUT", "/tenants/" + t[0] + "/limits/echo", "{\"tpm\":1000}");
        String body = "{\"model\":\"echo\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(quote(t[1], "/v1/chat/completions/quote", body, 200)
                        .get("allowed")
                        .asBoolean())
                .isTrue();
        assertThat(send(t[1], "/v1/chat/completions", body).statusCode()).isEqualTo(200);
        JsonNode refusal = quote(t[1], "/v1/chat/completions/quote", body, 200).get("refused_by");
        assertThat(refusal.get("limit").asString()).isEqualTo("rpm");
        assertThat(refusal.get("scope").asString()).isEqualTo("key");
        assertThat(refusal.get("retry_after_ms").asLong()).isPositive();
        JsonNode error = AdminClient.error(send(t[1], "/v1/chat/completions", body), 429, "rate_limit_exceeded");
        assertThat(error.get("message").asString()).contains("requests per min (RPM)");

        String huge = "{\"model\":\"echo\",\"max_tokens\":2000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        JsonNode tooLarge = quote(t[1], "/v1/chat/completions/quote", huge, 200);
        JsonNode tpm = tooLarge.get("refused_by");
        assertThat(tooLarge.get("refusals")).hasSize(1); // checked before any bucket, as the call does
        assertThat(tpm.get("limit").asString()).isEqualTo("tpm");
        assertThat(tpm.get("status").asInt()).isEqualTo(400);
        assertThat(tpm.get("code").asString()).isEqualTo("tokens_exceed_limit");
        assertThat(tpm.get("retry_at").isNull()).as("waiting never helps").isTrue();
        AdminClient.error(send(t[1], "/v1/chat/completions", huge), 400, "tokens_exceed_limit");
    }

    @Test
    void policyAndLifecycleRefusalsAreQuotedAsTheCallsAreRefused() throws Exception {
        String[] t = tenant("echo");
        admin().expect(200, "PUT", "/tenants/" + t[0] + "/policy", "{\"allowed_parameters\":[\"max_tokens\"]}");
        String body = "{\"model\":\"echo\",\"max_tokens\":5,\"temperature\":0.5,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}";
        JsonNode refusal = quote(t[1], "/v1/chat/completions/quote", body, 200).get("refused_by");
        assertThat(refusal.get("limit").asString()).isEqualTo("policy");
        assertThat(refusal.get("code").asString()).isEqualTo("parameter_not_allowed");
        assertThat(refusal.get("param").asString()).isEqualTo("temperature");
        AdminClient.error(send(t[1], "/v1/chat/completions", body), 400, "parameter_not_allowed");

        String retired = "quote-retired-" + tag;
        admin().expect(
                        201,
                        "POST",
                        "/deployments",
                        "{\"name\":\"" + retired + "\",\"model\":\"echo\","
                                + "\"chat_template\":\"plain\",\"catalog\":{\"lifecycle\":\"retired\",\"successor\":\"echo\"}}");
        String[] u = tenant(retired);
        String old = "{\"model\":\"" + retired + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        JsonNode gone = quote(u[1], "/v1/chat/completions/quote", old, 200).get("refused_by");
        assertThat(gone.get("limit").asString()).isEqualTo("lifecycle");
        assertThat(gone.get("status").asInt()).isEqualTo(410);
        assertThat(gone.get("code").asString()).isEqualTo("model_retired");
        AdminClient.error(send(u[1], "/v1/chat/completions", old), 410, "model_retired");
    }

    @Test
    void wrongInputGetsTheSame4xxAsTheCall() throws Exception {
        String[] t = tenant("echo", "all-minilm-l6-v2");
        String[][] cases = {
            {"/v1/chat/completions", "{\"model\":\"echo\",\"messages\":[]}"},
            {
                "/v1/chat/completions",
                "{\"model\":\"echo\",\"max_tokens\":-1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"
            },
            {
                "/v1/chat/completions",
                "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"
            },
            {
                "/v1/chat/completions",
                "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"bogus\":1}"
            },
            {"/v1/completions", "{\"model\":\"echo\",\"prompt\":[1,2,3]}"},
            {"/v1/embeddings", "{\"model\":\"all-minilm-l6-v2\",\"input\":[]}"},
            {"/v1/embeddings", "{\"model\":\"echo\",\"input\":\"x\"}"},
            {"/v1/chat/completions", "{not json"},
        };
        for (String[] c : cases) {
            HttpResponse<String> call = send(t[1], c[0], c[1]);
            HttpResponse<String> quote = send(t[1], c[0] + "/quote", c[1]);
            assertThat(call.statusCode()).as(c[1]).isBetween(400, 499);
            assertThat(quote.statusCode()).as(c[1]).isEqualTo(call.statusCode());
            JsonNode a = AdminClient.JSON.readTree(call.body()).get("error");
            JsonNode b = AdminClient.JSON.readTree(quote.body()).get("error");
            assertThat(b.get("code")).as(c[1]).isEqualTo(a.get("code"));
            assertThat(b.get("param")).as(c[1]).isEqualTo(a.get("param"));
        }
        // Azure's deployment form, and the access the route table declares (inference only).
        JsonNode azure = quote(
                t[1],
                "/openai/deployments/echo/chat/completions/quote?api-version=2024-10-21",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                200);
        assertThat(azure.get("model").asString()).isEqualTo("echo");
        AdminClient.error(
                send(
                        t[1],
                        "/openai/deployments/echo/chat/completions/quote",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                400,
                "missing_api_version");
        AdminClient.error(
                send(
                        ADMIN_KEY,
                        "/v1/chat/completions/quote",
                        "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                403,
                "insufficient_scope");
    }

    @Test
    void completionsAndEmbeddingsAreQuoted() throws Exception {
        String[] t = tenant("echo", "all-minilm-l6-v2");
        JsonNode c = quote(
                t[1], "/v1/completions/quote", "{\"model\":\"echo\",\"prompt\":\"one two\",\"max_tokens\":7}", 200);
        assertThat(c.get("operation").asString()).isEqualTo("completions");
        assertThat(c.get("tokens").get("estimate").asLong())
                .isEqualTo(c.get("tokens").get("prompt").asLong() + 7);
        JsonNode e = quote(
                t[1],
                "/v1/embeddings/quote",
                "{\"model\":\"all-minilm-l6-v2\",\"input\":[\"one two\",\"three\"]}",
                200);
        assertThat(e.get("operation").asString()).isEqualTo("embeddings");
        assertThat(e.get("tokens").get("max_tokens").isNull()).isTrue();
        assertThat(e.get("tokens").get("estimate").asLong())
                .isEqualTo(e.get("tokens").get("prompt").asLong());
        assertThat(e.get("affordable_max_tokens").isNull()).isTrue();
    }

    /** A chat deployment of this test on the embedded echo model, priced 2.50 in, 1000 out per 1M, 0.001 per call. */
    private String priced(String suffix) {
        String name = "quote-" + suffix + "-" + tag;
        admin().expect(
                        201,
                        "POST",
                        "/deployments",
                        "{\"name\":\"" + name + "\",\"backend\":\"embedded\","
                                + "\"model\":\"echo\",\"chat_template\":\"plain\"}");
        admin().expect(
                        201,
                        "POST",
                        "/prices/" + name,
                        "{\"input_per_1m\":\"2.50\",\"output_per_1m\":\"1000\",\"per_request\":\"0.001\",\"effective_from\":1}");
        return name;
    }

    /** A fresh tenant on the deployments, and its key. */
    private String[] tenant(String... deployments) {
        String id = "quote-" + UUID.randomUUID().toString().substring(0, 8);
        admin().createTenant(id, deployments);
        return new String[] {id, admin().issueKey(id)};
    }

    private JsonNode balance(String tenant) {
        return admin().expect(200, "GET", "/tenants/" + tenant + "/credits", null);
    }

    private JsonNode quote(String key, String path, String body, int status) throws Exception {
        HttpResponse<String> r = send(key, path, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return AdminClient.JSON.readTree(r.body());
    }

    private HttpResponse<String> send(String key, String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + path))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

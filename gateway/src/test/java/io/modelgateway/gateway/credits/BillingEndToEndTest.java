package io.modelgateway.gateway.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.modelgateway.billing.usage.UsageWriter;
import io.modelgateway.gateway.AdminClient;
import io.modelgateway.gateway.GatewayTestBase;
import io.modelgateway.gateway.pipeline.RecordedCalls;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Compute credits end to end, with openai-java and raw HTTP: exact costs, clamping, refusal, no overspend
 * under a burst, streams cut short billed for what they produced, idempotent top-ups.
 * Prices: deployment {@code billed} costs 2.50 per 1M input tokens, 1000.00 per 1M output tokens (1000
 * micro-units per output token) and 0.001 per request; {@code billed-slow} 0 in, 1000.00 out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BillingEndToEndTest extends GatewayTestBase {

    @Autowired
    DataSource dataSource;

    @Autowired
    UsageWriter writer;

    @Autowired
    RecordedCalls calls;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void prices() {
        AdminClient admin = admin();
        admin.send(
                "POST",
                "/prices/billed",
                "{\"input_per_1m\":\"2.50\",\"output_per_1m\":\"1000\",\"per_request\":\"0.001\",\"effective_from\":1}");
        admin.send(
                "POST", "/prices/billed-slow", "{\"input_per_1m\":0,\"output_per_1m\":\"1000\",\"effective_from\":1}");
    }

    /** A fresh tenant on the billed deployments with {@code credits} granted (decimal), and its key. */
    private String tenantWith(@Nullable String credits) {
        String id = "bill-" + UUID.randomUUID().toString().substring(0, 8);
        admin().createTenant(id, "billed", "billed-slow");
        if (credits != null) {
            admin().expect(201, "POST", "/tenants/" + id + "/credits/grants", "{\"amount\":\"" + credits + "\"}");
        }
        return id + " " + admin().issueKey(id);
    }

    private static long expectedCost(long prompt, long completion) {
        // prompt x 2.5 micro (rounded half up, once) + completion x 1000 + 1000 per request
        return (prompt * 2_500_000 + 500_000) / 1_000_000 + completion * 1000 + 1000;
    }

    private long sql(String query, String tenant) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(query)) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void stored() throws InterruptedException {
        assertThat(writer.awaitStored(Duration.ofSeconds(20))).isTrue();
    }

    private HttpRequest chat(String key, String deployment, int maxTokens, boolean stream) {
        String body = "{\"model\":\"" + deployment + "\",\"stream\":" + stream + ",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"one two three four five six seven eight nine ten "
                + "eleven twelve thirteen fourteen fifteen sixteen\"}]}";
        return HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    @Test
    void theCostIsExactAndTheBalanceDerivedFromIt() throws Exception {
        String[] t = tenantWith("1.00").split(" ");
        ChatCompletion c = openAi(t[1])
                .chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("billed")
                        .maxCompletionTokens(5)
                        .addUserMessage("count to ten please")
                        .build());
        long prompt = c.usage().orElseThrow().promptTokens();
        long completion = c.usage().orElseThrow().completionTokens();
        stored();
        long cost = expectedCost(prompt, completion);
        assertThat(sql("SELECT cost_micros FROM usage_record WHERE tenant_id = ?", t[0]))
                .isEqualTo(cost);
        assertThat(sql("SELECT input_tokens FROM usage_record WHERE tenant_id = ?", t[0]))
                .isEqualTo(prompt);
        assertThat(sql(
                        "SELECT COUNT(*) FROM usage_record WHERE tenant_id = ? AND outcome = 'completed' "
                                + "AND estimated = FALSE AND first_token_at IS NOT NULL",
                        t[0]))
                .isEqualTo(1);
        JsonNode balance = admin().expect(200, "GET", "/tenants/" + t[0] + "/credits", null);
        assertThat(balance.get("balance_micros").asLong()).isEqualTo(1_000_000 - cost);
        assertThat(balance.get("available_micros").asLong()).isEqualTo(1_000_000 - cost);
        assertThat(balance.get("held_micros").asLong()).isZero();
    }

    @Test
    void maxTokensIsLoweredToWhatTheTenantCanAfford() throws Exception {
        // 0.008 pays the 0.001 fee, the prompt (~40 micro) and 6 output tokens
        String[] t = tenantWith("0.008").split(" ");
        HttpResponse<String> r = http.send(chat(t[1], "billed", 50, false), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode usage = AdminClient.JSON.readTree(r.body()).get("usage");
        long prompt = usage.get("prompt_tokens").asLong();
        long completion = usage.get("completion_tokens").asLong();
        long affordable = (8000 - 1000 - (prompt * 2_500_000 + 500_000) / 1_000_000) / 1000;
        assertThat(completion).isEqualTo(affordable).isLessThan(50);
        stored();
        assertThat(sql("SELECT cost_micros FROM usage_record WHERE tenant_id = ?", t[0]))
                .isEqualTo(expectedCost(prompt, completion))
                .isLessThanOrEqualTo(8000);
        // now not even one token fits: 429 insufficient_quota in OpenAI's shape
        HttpResponse<String> refused = http.send(chat(t[1], "billed", 50, false), HttpResponse.BodyHandlers.ofString());
        JsonNode error = AdminClient.error(refused, 429, "insufficient_quota");
        assertThat(error.get("type").asString()).isEqualTo("insufficient_quota");
        stored();
        assertThat(sql("SELECT COUNT(*) FROM usage_record WHERE tenant_id = ?", t[0]))
                .isEqualTo(1);
    }

    @Test
    void aBurstNeverSpendsMoreThanTheBalance() throws Exception {
        // each call can cost at most 10 tokens x 1000 + ~40 + 1000 = ~11,040: 0.5 pays for about 45 of them
        String[] t = tenantWith("0.5").split(" ");
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            calls.add(http.sendAsync(chat(t[1], "billed", 10, false), HttpResponse.BodyHandlers.ofString()));
        }
        int ok = 0;
        int refused = 0;
        for (CompletableFuture<HttpResponse<String>> f : calls) {
            HttpResponse<String> r = f.join();
            if (r.statusCode() == 200) {
                ok++;
            } else {
                AdminClient.error(r, 429, "insufficient_quota");
                refused++;
            }
        }
        stored();
        System.out.println("burst: " + ok + " served, " + refused + " refused");
        long spent = sql("SELECT COALESCE(SUM(cost_micros), 0) FROM usage_record WHERE tenant_id = ?", t[0]);
        assertThat(ok + refused).isEqualTo(150);
        assertThat(ok).isGreaterThanOrEqualTo(40);
        assertThat(refused).isPositive();
        assertThat(sql("SELECT COUNT(*) FROM usage_record WHERE tenant_id = ?", t[0]))
                .isEqualTo(ok);
        assertThat(spent).isLessThanOrEqualTo(500_000);
        assertThat(sql("SELECT SUM(cost_micros) FROM usage_daily WHERE tenant_id = ?", t[0]))
                .isEqualTo(spent);
        JsonNode balance = admin().expect(200, "GET", "/tenants/" + t[0] + "/credits", null);
        assertThat(balance.get("balance_micros").asLong())
                .isEqualTo(500_000 - spent)
                .isNotNegative();
        assertThat(balance.get("available_micros").asLong()).isEqualTo(500_000 - spent);
    }

    @Test
    void aStreamCutShortIsBilledForWhatItProduced() throws Exception {
        String[] t = tenantWith("1").split(" ");
        HttpResponse<java.io.InputStream> response =
                http.send(chat(t[1], "billed-slow", 200, true), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            int deltas = 0;
            while (deltas < 3) {
                if (reader.readLine().contains("\"content\"")) {
                    deltas++;
                }
            }
        }
        // the gateway sees the client leave and ends the call; then its record goes to the store
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get(requestId) != null);
        stored();
        long output = sql("SELECT output_tokens FROM usage_record WHERE tenant_id = ? AND outcome = 'cut_short'", t[0]);
        assertThat(output).isBetween(2L, 15L);
        assertThat(sql("SELECT cost_micros FROM usage_record WHERE tenant_id = ?", t[0]))
                .isEqualTo(output * 1000);
        JsonNode balance = admin().expect(200, "GET", "/tenants/" + t[0] + "/credits", null);
        assertThat(balance.get("available_micros").asLong()).isEqualTo(1_000_000 - output * 1000);
        assertThat(balance.get("held_micros").asLong()).isZero();
    }

    @Test
    void aTopUpRetriedWithItsIdempotencyKeyIsBookedOnce() throws Exception {
        String tenant = tenantWith(null).split(" ")[0];
        AdminClient admin = admin();
        String path = "/tenants/" + tenant + "/credits/top-ups";
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + "/admin/v1" + path))
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "order-42")
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":\"12.345678\"}"));
        HttpResponse<String> first = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> again = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(AdminClient.JSON.readTree(again.body()).get("id").asLong())
                .isEqualTo(AdminClient.JSON.readTree(first.body()).get("id").asLong());
        JsonNode balance = admin.expect(200, "GET", "/tenants/" + tenant + "/credits", null);
        assertThat(balance.get("balance").asString()).isEqualTo("12.345678");
        assertThat(balance.get("available_micros").asLong()).isEqualTo(12_345_678);
        AdminClient.error(admin.send("POST", path, "{\"amount\":\"1\"}"), 400, "missing_idempotency_key");
        AdminClient.error(
                admin.send("POST", "/tenants/" + tenant + "/credits/grants", "{\"amount\":\"0.0000001\"}"),
                400,
                "invalid_value");
        assertThat(admin.expect(200, "GET", "/tenants/" + tenant + "/credits/ledger", null)
                        .get("data")
                        .size())
                .isEqualTo(1);
        AdminClient.error(
                admin.as(KEY).send("GET", "/tenants/" + tenant + "/credits", null), 403, "insufficient_scope");
    }
}

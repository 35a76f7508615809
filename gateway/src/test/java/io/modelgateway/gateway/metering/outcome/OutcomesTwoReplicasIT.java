package io.modelgateway.gateway.metering.outcome;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.AdminClient;
import io.modelgateway.gateway.Replicas;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Known traffic through two replicas sharing PostgreSQL (a schema of this run's own) and Redis (quota buckets):
 * calls answered, refused by the quota (429), unreadable (400), for an unknown model (404) and with a wrong key
 * (401). The Outcomes API, read through either replica, counts exactly what the clients saw, per tenant, model,
 * outcome and code; a tenant's own key sees only its tenant, and no one but an admin the 401s of no tenant.
 */
class OutcomesTwoReplicasIT {

    private static final String ADMIN_KEY = "sk-7f1c0c5e2b9a4d6e8f3a1b2c4d5e6f708192a3b4";
    private static final String SCHEMA = Replicas.schema("mgw_oc_");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static Replicas.Two replicas;
    private static ConfigurableApplicationContext one;
    private static ConfigurableApplicationContext two;

    @BeforeAll
    static void startTwoReplicas() throws SQLException {
        replicas = Replicas.Two.start(
                SCHEMA,
                ADMIN_KEY,
                Map.of("gateway.quota.redis-url", Replicas.REDIS, "gateway.outcomes.flush-interval", "200ms"));
        one = replicas.one;
        two = replicas.two;
    }

    @AfterAll
    static void stop() throws SQLException {
        if (replicas != null) {
            replicas.close();
        }
    }

    @Test
    void theOutcomesApiCountsExactlyWhatTheClientsSawOnBothReplicas() {
        AdminClient admin = new AdminClient(Replicas.url(one), ADMIN_KEY);
        String tenant = "oc-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createTenant(tenant, "echo");
        String key = admin.issueKey(tenant, "{\"name\":\"k\",\"scopes\":[\"inference\",\"usage.read\"]}");
        admin.expect(200, "PUT", "/tenants/" + tenant + "/limits/echo", "{\"rpm\":3}");
        Instant start = Instant.now();

        Map<String, Long> seen = new TreeMap<>();
        String chat = "{\"model\":\"echo\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        for (int i = 0; i < 5; i++) { // 3 answered, then refused by the shared quota, on either replica
            count(seen, tenant, "echo", post(i % 2 == 0 ? one : two, key, chat));
        }
        count(seen, tenant, null, post(two, key, "{\"model\":"));
        count(seen, tenant, null, post(one, key, chat.replace("\"echo\"", "\"no-such-model\"")));
        count(seen, null, null, post(two, "sk-0000000000000000000000000000000000000000", chat));
        count(seen, null, null, post(one, null, chat));
        assertThat(seen)
                .containsEntry(tenant + "|echo|ok|", 3L)
                .containsEntry(tenant + "|echo|client_error|rate_limit_exceeded", 2L);
        assertThat(seen.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(9);

        String query = "/v1/organization/usage/outcomes?start_time="
                + start.minusSeconds(86_400).getEpochSecond()
                + "&bucket_width=1d&limit=3&group_by=project_id,model,outcome,code";
        Awaitility.await("both replicas' counts written")
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () -> assertThat(counts(get(one, ADMIN_KEY, query))).isEqualTo(seen));
        assertThat(counts(get(two, ADMIN_KEY, query))).isEqualTo(seen);

        Map<String, Long> own = new TreeMap<>(seen);
        own.keySet().removeIf(k -> !k.startsWith(tenant + "|"));
        assertThat(counts(get(two, key, query)))
                .as("a tenant sees its own tenant only")
                .isEqualTo(own);
        JsonNode other = get(two, key, query + "&project_ids=someone-else");
        assertThat(counts(other)).as("project_ids cannot widen a tenant's view").isEqualTo(own);

        JsonNode byOutcome = get(
                one,
                ADMIN_KEY,
                "/v1/organization/usage/outcomes?start_time="
                        + start.minusSeconds(86_400).getEpochSecond() + "&group_by=outcome&outcomes=client_error");
        assertThat(counts(byOutcome)).isEqualTo(Map.of("-|-|client_error|", 6L));
    }

    /** What a client saw, keyed as the API's results: tenant|model|outcome|code ('-' for null). */
    private static void count(
            Map<String, Long> seen, @Nullable String tenant, @Nullable String model, HttpResponse<String> r) {
        int s = r.statusCode();
        String outcome = s >= 500 ? "server_error" : s >= 400 ? "client_error" : "ok";
        String code = s < 400
                ? ""
                : AdminClient.JSON.readTree(r.body()).get("error").get("code").asString();
        String m = s == 200 || s == 429 ? model : null; // answered and quota-refused calls had their deployment
        seen.merge(key(tenant, m, outcome, code.isEmpty() ? null : code), 1L, Long::sum);
    }

    private static String key(
            @Nullable String tenant, @Nullable String model, @Nullable String outcome, @Nullable String code) {
        return (tenant == null ? "-" : tenant) + "|" + (model == null ? "-" : model) + "|" + outcome + "|"
                + (code == null ? "" : code);
    }

    private static Map<String, Long> counts(JsonNode page) {
        Map<String, Long> counts = new TreeMap<>();
        for (JsonNode bucket : page.get("data")) {
            for (JsonNode r : bucket.get("results")) {
                counts.merge(
                        key(text(r, "project_id"), text(r, "model"), text(r, "outcome"), text(r, "code")),
                        r.get("num_model_requests").asLong(),
                        Long::sum);
            }
        }
        return counts;
    }

    private static @Nullable String text(JsonNode r, String field) {
        return r.get(field) == null || r.get(field).isNull()
                ? null
                : r.get(field).asString();
    }

    private static HttpResponse<String> post(ConfigurableApplicationContext ctx, @Nullable String key, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(Replicas.url(ctx) + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return send(b.build());
    }

    private static JsonNode get(ConfigurableApplicationContext ctx, String key, String path) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(Replicas.url(ctx) + path))
                .header("Authorization", "Bearer " + key)
                .build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return AdminClient.JSON.readTree(r.body());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.modelgateway.gateway.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelgateway.billing.usage.UsageWriter;
import io.modelgateway.gateway.AdminClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A seeded random mix of calls — completed, streamed, cut short by the client on Triton and on an HTTP upstream,
 * blocked by a content rule (billed for the prompt, the policy's default), refused by the parameter allow-list,
 * by quota and for want of credits, failed at an unreachable or misconfigured backend — leaves
 * exactly one record per call that reached a model (and none for the others), the Usage API counts exactly those,
 * no hold stays open, and reconciliation finds the books clean. The seed is printed; {@code -Dmix.seed=} replays.
 */
class MixedWorkloadReconciliationTest extends FleetTestBase {

    private static final String PRICE =
            "{\"input_per_1m\":\"3\",\"output_per_1m\":\"1000\",\"per_request\":\"0.0001\"," + "\"effective_from\":1}";

    /** One kind of call, and whether it leaves a billable record. */
    enum Kind {
        TRITON(true),
        TRITON_STREAM(true),
        UPSTREAM(true),
        UPSTREAM_STREAM(true),
        TRITON_HANG_UP(true),
        UPSTREAM_HANG_UP(true),
        BLOCKED(true),
        NOT_ALLOWED(false),
        TOO_LARGE(false),
        NO_CREDITS(false),
        UNREACHABLE(false),
        MISCONFIGURED(false);

        final boolean billable;

        Kind(boolean billable) {
            this.billable = billable;
        }
    }

    @Autowired
    DataSource dataSource;

    @Autowired
    UsageWriter writer;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theBooksAreCleanAfterARandomMixOfCalls() throws Exception {
        long seed = Long.getLong("mix.seed", System.nanoTime());
        System.out.println("MixedWorkloadReconciliationTest seed: " + seed);
        Random random = new Random(seed);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String[] deployments = {"mix-triton", "mix-slow", "mix-up", "mix-up-slow", "mix-down", "mix-missing"};
        for (String d : deployments) {
            admin().send("POST", "/prices/" + d, PRICE);
        }
        String rich = "mix-" + suffix;
        String poor = "mix-poor-" + suffix;
        admin().createTenant(rich, deployments);
        admin().createTenant(poor, deployments);
        admin().expect(201, "POST", "/tenants/" + rich + "/credits/grants", "{\"amount\":\"5.00\"}");
        admin().expect(201, "POST", "/tenants/" + poor + "/credits/grants", "{\"amount\":\"0.000001\"}");
        admin().expect(
                        200,
                        "PUT",
                        "/tenants/" + rich + "/policy",
                        "{\"allowed_parameters\":[\"max_tokens\",\"stream\"],"
                                + "\"rules\":[{\"id\":\"no\",\"type\":\"terms\",\"terms\":[\"forbidden\"]}]}");
        admin().expect(200, "PUT", "/tenants/" + rich + "/limits/mix-up", "{\"tpm\":1000}");
        String richKey = admin().issueKey(rich);
        String poorKey = admin().issueKey(poor);
        String finance = admin().expect(
                        201, "POST", "/keys", "{\"name\":\"mix-finance-" + suffix + "\",\"scopes\":[\"finance\"]}")
                .get("key")
                .asString();
        Instant from = Instant.now().minusSeconds(60);

        Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
        int billable = 0;
        List<Kind> kinds = List.of(Kind.values());
        for (int step = 0; step < 40; step++) {
            Kind kind = step < kinds.size() ? kinds.get(step) : kinds.get(random.nextInt(kinds.size()));
            run(kind, richKey, poorKey, random);
            counts.merge(kind, 1, Integer::sum);
            billable += kind.billable ? 1 : 0;
        }
        System.out.println("MixedWorkloadReconciliationTest calls: " + counts);

        assertThat(writer.awaitStored(Duration.ofSeconds(30))).isTrue();
        int expected = billable;
        await().atMost(Duration.ofSeconds(20)).until(() -> records(rich) == expected);
        assertThat(records(poor)).as("refused calls leave no record").isZero();
        assertThat(scalar(
                        "SELECT COUNT(*) FROM usage_record WHERE tenant_id = ? AND outcome NOT IN "
                                + "('completed', 'cut_short', 'filtered')",
                        rich))
                .as("only answered or billed-blocked calls are recorded")
                .isZero();
        for (String tenant : List.of(rich, poor)) {
            JsonNode balance = await().atMost(Duration.ofSeconds(20))
                    .until(
                            () -> admin().expect(200, "GET", "/tenants/" + tenant + "/credits", null),
                            b -> b.get("held_micros").asLong() == 0);
            assertThat(balance.get("available_micros").asLong())
                    .isEqualTo(balance.get("balance_micros").asLong());
        }
        long cost = scalar("SELECT COALESCE(SUM(cost_micros), 0) FROM usage_record WHERE tenant_id = ?", rich);
        assertThat(admin().expect(200, "GET", "/tenants/" + rich + "/credits", null)
                        .get("balance_micros")
                        .asLong())
                .isEqualTo(5_000_000 - cost);

        String range = "start_time=" + from.getEpochSecond() + "&end_time="
                + (Instant.now().getEpochSecond() + 60);
        JsonNode usage = get(
                finance,
                "/v1/organization/usage/completions?" + range + "&bucket_width=1d&project_ids=" + rich + "," + poor);
        long requests = 0;
        for (JsonNode bucket : usage.get("data")) {
            for (JsonNode r : bucket.get("results")) {
                requests += r.get("num_model_requests").asLong();
            }
        }
        assertThat(requests)
                .as("the Usage API counts the calls that reached a model")
                .isEqualTo(expected);
        JsonNode reconciliation =
                get(finance, "/v1/organization/reconciliation?" + range + "&project_ids=" + rich + "," + poor);
        assertThat(reconciliation.get("clean").asBoolean())
                .as(reconciliation.toString())
                .isTrue();
        assertThat(reconciliation.get("records_checked").asLong()).isEqualTo(expected);
    }

    /** Runs one call of {@code kind}. */
    private void run(Kind kind, String key, String poorKey, Random random) throws Exception {
        String words = "w" + random.nextInt(1000) + " alpha beta gamma delta epsilon zeta eta theta iota kappa";
        switch (kind) {
            case TRITON -> expect(post(key, "mix-triton", words, false, null), 200);
            case TRITON_STREAM -> expect(post(key, "mix-triton", words, true, null), 200);
            case UPSTREAM -> expect(post(key, "mix-up", words, random.nextBoolean(), null), 200);
            case UPSTREAM_STREAM -> expect(post(key, "mix-up-slow", words, true, null), 200);
            case TRITON_HANG_UP -> hangUp(key, "mix-slow", words);
            case UPSTREAM_HANG_UP -> hangUp(key, "mix-up-slow", words);
            // a blocked prompt is billed for its prompt tokens (the policy's default, as Azure does)
            case BLOCKED -> expect(post(key, "mix-triton", "a forbidden " + words, random.nextBoolean(), null), 400);
            case NOT_ALLOWED -> expect(post(key, "mix-up", words, false, ",\"temperature\":0.2"), 400);
            case TOO_LARGE -> expect(post(key, "mix-up", words, false, ",\"max_tokens\":1500"), 400);
            case NO_CREDITS -> expect(post(poorKey, "mix-triton", words, random.nextBoolean(), null), 429);
            case UNREACHABLE -> expect(post(key, "mix-down", words, random.nextBoolean(), null), 503);
            case MISCONFIGURED -> expect(post(key, "mix-missing", words, false, null), 503); // no replica serves it
        }
    }

    private static void expect(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    }

    private HttpResponse<String> post(
            String key, String deployment, String text, boolean stream, @Nullable String extra) throws Exception {
        String budget = extra != null && extra.contains("max_tokens") ? "" : ",\"max_tokens\":8";
        String body = "{\"model\":\"" + deployment + "\",\"stream\":" + stream + budget + (extra == null ? "" : extra)
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
        return http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A streamed call the client hangs up on once the first generated text arrived. */
    private void hangUp(String key, String deployment, String text) throws Exception {
        byte[] body = ("{\"model\":\"" + deployment + "\",\"stream\":true,\"max_tokens\":40,\"messages\":[{\"role\":"
                        + "\"user\",\"content\":\"" + text + " " + text + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("data: {") && line.matches(".*\"content\":\"[^\"].*")) {
                    break;
                }
            }
        }
    }

    private long records(String tenant) throws Exception {
        return scalar("SELECT COUNT(*) FROM usage_record WHERE tenant_id = ?", tenant);
    }

    private long scalar(String sql, String tenant) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private JsonNode get(String credential, String pathAndQuery) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery))
                        .header("Authorization", "Bearer " + credential)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return AdminClient.JSON.readTree(r.body());
    }
}

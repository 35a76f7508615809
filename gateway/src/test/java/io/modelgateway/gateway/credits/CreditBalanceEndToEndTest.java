package io.modelgateway.gateway.credits;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.billing.usage.UsageWriter;
import io.modelgateway.gateway.AdminClient;
import io.modelgateway.gateway.GatewayTestBase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A prepaid balance is an account, end to end on the embedded default (in-memory accounts): a call whose
 * most cost rounds to 0 micro-units is served (it used to fail with 500), and a negative adjustment takes the
 * balance below zero, where the next priced call is refused until a top-up. Deployment {@code cheap} costs
 * 0.01 per 1M tokens in and out (a call of a few dozen tokens costs 0); {@code billed} 1000 per 1M output
 * (both declared by {@link GatewayTestBase}, so this runs in the shared context).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CreditBalanceEndToEndTest extends GatewayTestBase {

    @Autowired
    DataSource dataSource;

    @Autowired
    UsageWriter writer;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void prices() {
        admin().send(
                        "POST",
                        "/prices/cheap",
                        "{\"input_per_1m\":\"0.01\",\"output_per_1m\":\"0.01\",\"effective_from\":1}");
        admin().send(
                        "POST",
                        "/prices/billed",
                        "{\"input_per_1m\":\"2.50\",\"output_per_1m\":\"1000\",\"per_request\":\"0.001\",\"effective_from\":1}");
    }

    @Test
    void aCallWhoseMostCostRoundsToZeroIsServed() throws Exception {
        String[] t = tenantWith("0.50");
        HttpResponse<String> r = http.send(chat(t[1], "cheap"), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(writer.awaitStored(Duration.ofSeconds(20))).isTrue();
        assertThat(sql("SELECT COUNT(*) FROM usage_record WHERE tenant_id = ? AND cost_micros = 0", t[0]))
                .isEqualTo(1);
        JsonNode balance = balance(t[0]);
        assertThat(balance.get("available_micros").asLong()).isEqualTo(500_000);
        assertThat(balance.get("held_micros").asLong()).isZero();
    }

    @Test
    void aNegativeAdjustmentTakesTheBalanceBelowZeroAndThePricedCallsAreRefused() throws Exception {
        String[] t = tenantWith("0.50");
        admin().expect(
                        201,
                        "POST",
                        "/tenants/" + t[0] + "/credits/adjustments",
                        "{\"amount\":\"-1.00\",\"note\":\"chargeback\"}");
        JsonNode balance = balance(t[0]);
        assertThat(balance.get("balance_micros").asLong()).isEqualTo(-500_000);
        assertThat(balance.get("available_micros").asLong()).isEqualTo(-500_000);

        AdminClient.error(
                http.send(chat(t[1], "billed"), HttpResponse.BodyHandlers.ofString()), 429, "insufficient_quota");
        assertThat(http.send(chat(t[1], "cheap"), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .as("a call that costs nothing")
                .isEqualTo(200);

        admin().expect(201, "POST", "/tenants/" + t[0] + "/credits/grants", "{\"amount\":\"1.00\"}");
        assertThat(balance(t[0]).get("available_micros").asLong()).isEqualTo(500_000);
        HttpResponse<String> served = http.send(chat(t[1], "billed"), HttpResponse.BodyHandlers.ofString());
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        assertThat(writer.awaitStored(Duration.ofSeconds(20))).isTrue();
        long spent = sql("SELECT COALESCE(SUM(cost_micros), 0) FROM usage_record WHERE tenant_id = ?", t[0]);
        assertThat(spent).isPositive();
        assertThat(balance(t[0]).get("available_micros").asLong()).isEqualTo(500_000 - spent);
    }

    /** A fresh tenant on both deployments with {@code credits} granted, and its key. */
    private String[] tenantWith(String credits) {
        String id = "acct-" + UUID.randomUUID().toString().substring(0, 8);
        admin().createTenant(id, "cheap", "billed");
        admin().expect(201, "POST", "/tenants/" + id + "/credits/grants", "{\"amount\":\"" + credits + "\"}");
        return new String[] {id, admin().issueKey(id)};
    }

    private JsonNode balance(String tenant) {
        return admin().expect(200, "GET", "/tenants/" + tenant + "/credits", null);
    }

    private HttpRequest chat(String key, String deployment) {
        String body = "{\"model\":\"" + deployment + "\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"one two three four five six\"}]}";
        return HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
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
}

package io.modelgateway.gateway.credits;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.AdminClient;
import io.modelgateway.gateway.GatewayTestBase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The balance API under {@code /v1/organization/projects/{tenant}/credits}: a tenant's {@code usage.read}
 * key sees its own balance and ledger only; {@code finance} keys see any and post grants and adjustments;
 * nothing else gets in.
 */
class BalanceApiTest extends GatewayTestBase {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> call(String method, String path, String key, @Nullable String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/organization/projects" + path))
                .header("Authorization", "Bearer " + key)
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void tenantsReadTheirOwnBalanceAndFinanceManagesAll() throws Exception {
        AdminClient admin = admin();
        String a = "bal-a-" + UUID.randomUUID().toString().substring(0, 6);
        String b = "bal-b-" + UUID.randomUUID().toString().substring(0, 6);
        admin.createTenant(a, "echo");
        admin.createTenant(b, "echo");
        String readerA = admin.issueKey(a, "{\"name\":\"reader\",\"scopes\":[\"usage.read\"]}");
        String inferenceA = admin.issueKey(a, "{\"name\":\"caller\",\"scopes\":[\"inference\"]}");
        String finance = admin.expect(201, "POST", "/keys", "{\"name\":\"fin\",\"scopes\":[\"finance\"]}")
                .get("key")
                .asString();

        HttpResponse<String> grant = call("POST", "/" + a + "/credits/grants", finance, "{\"amount\":\"12.5\"}");
        assertThat(grant.statusCode()).as(grant.body()).isEqualTo(201);
        assertThat(call(
                                "POST",
                                "/" + a + "/credits/adjustments",
                                finance,
                                "{\"amount\":\"-2.5\",\"note\":\"goodwill correction\"}")
                        .statusCode())
                .isEqualTo(201);

        HttpResponse<String> own = call("GET", "/" + a + "/credits", readerA, null);
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        JsonNode balance = AdminClient.JSON.readTree(own.body());
        assertThat(balance.get("tenant").asString()).isEqualTo(a);
        assertThat(new java.math.BigDecimal(balance.get("balance").asString())).isEqualByComparingTo("10");
        HttpResponse<String> ledger = call("GET", "/" + a + "/credits/ledger", readerA, null);
        assertThat(ledger.statusCode()).isEqualTo(200);
        assertThat(AdminClient.JSON.readTree(ledger.body()).get("data").size()).isEqualTo(2);
        assertThat(call("GET", "/" + b + "/credits", finance, null).statusCode())
                .isEqualTo(200);

        AdminClient.error(call("GET", "/" + b + "/credits", readerA, null), 403, "other_tenant");
        AdminClient.error(call("GET", "/" + b + "/credits/ledger", readerA, null), 403, "other_tenant");
        AdminClient.error(
                call("POST", "/" + a + "/credits/grants", readerA, "{\"amount\":\"100\"}"), 403, "insufficient_scope");
        AdminClient.error(call("GET", "/" + a + "/credits", inferenceA, null), 403, "insufficient_scope");
        AdminClient.error(call("GET", "/" + a + "/credits", "sk-not-a-key", null), 401, "invalid_api_key");
        JsonNode after = AdminClient.JSON.readTree(
                call("GET", "/" + a + "/credits", finance, null).body());
        assertThat(new java.math.BigDecimal(after.get("balance").asString())).isEqualByComparingTo("10");
    }
}

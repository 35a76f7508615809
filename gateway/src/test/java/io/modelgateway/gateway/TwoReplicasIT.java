package io.modelgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two gateway replicas sharing the real PostgreSQL (database {@code test}, a schema unique to this run)
 * and Redis: a change made through one is enforced by the other within a second. The periodic reload is
 * set to an hour, so only the Redis invalidation can do it. Compliance policies have no invalidation: they
 * reach the other replica with its periodic reload (300 ms here). Fails (never skips) without PostgreSQL or
 * Redis.
 */
class TwoReplicasIT {

    private static final String ADMIN_KEY = "sk-31c728507c928a175d0c757e1cbd361681b49790";
    private static final String SCHEMA = Replicas.schema("mgw_it_");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Replicas.Two replicas;
    private static ConfigurableApplicationContext one;
    private static ConfigurableApplicationContext two;

    @BeforeAll
    static void startTwoReplicas() throws SQLException {
        replicas = Replicas.Two.start(
                SCHEMA,
                ADMIN_KEY,
                Map.of(
                        "gateway.tenancy.reload-interval", "1h",
                        "gateway.compliance.reload-interval", "300ms",
                        "gateway.demo-api-key", "sk-832892f436828aa68808d4c4e9ccedd17fe7f20b"));
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
    void keyRevokedThroughOneReplicaIsRefusedByTheOtherWithinASecond() {
        AdminClient admin = new AdminClient(Replicas.url(one), ADMIN_KEY);
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createTenant(tenant, "echo");
        String key = admin.issueKey(tenant);
        assertThat(millisUntil(two, key, 200))
                .as("new key known on replica two")
                .isLessThan(1000);

        String id = admin.expect(200, "GET", "/tenants/" + tenant + "/keys", null)
                .get("data")
                .get(0)
                .get("id")
                .asString();
        admin.expect(200, "POST", "/keys/" + id + "/revoke", null);
        assertThat(millisUntil(two, key, 401))
                .as("revocation reached replica two")
                .isLessThan(1000);
        assertThat(status(one, key)).isEqualTo(401);
    }

    @Test
    void tenantSuspendedThroughOneReplicaIsRefusedByTheOtherWithinASecond() {
        AdminClient admin = new AdminClient(Replicas.url(two), ADMIN_KEY);
        String tenant = "s-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createTenant(tenant, "echo");
        String key = admin.issueKey(tenant);
        assertThat(millisUntil(one, key, 200)).isLessThan(1000);

        admin.expect(200, "POST", "/tenants/" + tenant + "/suspend", null);
        assertThat(millisUntil(one, key, 403))
                .as("suspension reached replica one")
                .isLessThan(1000);
    }

    @Test
    void aPolicySetThroughOneReplicaIsEnforcedByTheOtherAfterItsReload() {
        AdminClient admin = new AdminClient(Replicas.url(one), ADMIN_KEY);
        String tenant = "p-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createTenant(tenant, "echo");
        String key = admin.issueKey(tenant);
        await().atMost(Duration.ofSeconds(10)).until(() -> status(two, key) == 200);
        assertThat(chat(two, key, 50).statusCode()).isEqualTo(200);

        admin.expect(
                200, "PUT", "/tenants/" + tenant + "/policy", "{\"max_tokens\":5,\"max_tokens_action\":\"refuse\"}");
        assertThat(chat(one, key, 50).statusCode())
                .as("at once on the replica that stored it")
                .isEqualTo(400);
        await("the policy reaches replica two")
                .atMost(Duration.ofSeconds(10))
                .until(() -> chat(two, key, 50).statusCode() == 400);
        assertThat(chat(two, key, 50).body()).contains("max_tokens_too_large");
        assertThat(chat(two, key, 5).statusCode()).as("within the cap").isEqualTo(200);

        assertThat(admin.send("DELETE", "/tenants/" + tenant + "/policy", null).statusCode())
                .isEqualTo(204);
        await("the deletion reaches replica two")
                .atMost(Duration.ofSeconds(10))
                .until(() -> chat(two, key, 50).statusCode() == 200);
    }

    private static HttpResponse<String> chat(ConfigurableApplicationContext ctx, String key, int maxTokens) {
        String body = "{\"model\":\"echo\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create(Replicas.url(ctx) + "/v1/chat/completions"))
                            .header("Authorization", "Bearer " + key)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void migrationsRanOnPostgresInTheRunsOwnSchema() throws SQLException {
        try (Connection c = DriverManager.getConnection(Replicas.PG, "postgres", "");
                var rs = c.createStatement()
                        .executeQuery("SELECT count(*) FROM information_schema.tables" + " WHERE table_schema = '"
                                + SCHEMA + "' AND table_name IN ('tenant','tenant_deployment','api_key')")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(3);
        }
    }

    /** Polls {@code ctx} with {@code key} until it answers {@code expected}; the time it took, or 10 s. */
    private static long millisUntil(ConfigurableApplicationContext ctx, String key, int expected) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < Duration.ofSeconds(10).toNanos()) {
            if (status(ctx, key) == expected) {
                long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
                System.out.println("replica answered " + expected + " after " + ms + " ms");
                return ms;
            }
        }
        return Long.MAX_VALUE;
    }

    private static int status(ConfigurableApplicationContext ctx, String key) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create(Replicas.url(ctx) + "/v1/models"))
                                    .header("Authorization", "Bearer " + key)
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

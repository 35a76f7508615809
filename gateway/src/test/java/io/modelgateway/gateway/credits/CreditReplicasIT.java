package io.modelgateway.gateway.credits;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.modelgateway.billing.usage.UsageWriter;
import io.modelgateway.gateway.AdminClient;
import io.modelgateway.gateway.GatewayApplication;
import io.modelgateway.gateway.Replicas;
import io.modelgateway.gateway.metering.MetricNames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two gateway replicas sharing the real PostgreSQL (a schema unique to this run) and Redis (credit accounts
 * under a key prefix unique to this run): one tenant with credits for about 50 calls, 300 concurrent calls
 * split across both. The shared account never goes below zero, the ledger's debits (the usage rollups) equal
 * the sum of the usage records' costs to the micro-unit, and every served call has exactly one record.
 * Fails (never skips) without PostgreSQL or Redis.
 */
class CreditReplicasIT {

    private static final String ADMIN_KEY = "sk-79ae8cfe0b9136198840d431a4ddcb447a4dbaaf";
    private static final String RUN =
            UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final String SCHEMA = "mgw_credits_" + RUN;
    /** Output 1000 micro-units a token, 2.50 per 1M input, 1000 a call: at most ~11,040 for 10 tokens. */
    private static final String PRICE =
            "{\"input_per_1m\":\"2.50\",\"output_per_1m\":\"1000\",\"per_request\":\"0.001\",\"effective_from\":1}";

    private static ConfigurableApplicationContext one;
    private static ConfigurableApplicationContext two;

    @BeforeAll
    static void start() throws SQLException {
        Replicas.requireRedis();
        Replicas.sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        one = replica();
        admin(one).expect(201, "POST", "/prices/echo", PRICE); // replica two loads it when it starts
        two = replica();
    }

    @AfterAll
    static void stop() throws SQLException {
        if (two != null) {
            two.close();
        }
        if (one != null) {
            one.close();
        }
        Replicas.sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }

    @Test
    void threeHundredConcurrentCallsOnTwoReplicasNeverOverspendAndTheLedgerMatchesTheRecords() throws Exception {
        String tenant = "burst-" + RUN;
        admin(one).createTenant(tenant, "echo");
        admin(one).expect(201, "POST", "/tenants/" + tenant + "/credits/grants", "{\"amount\":\"0.55\"}");
        String key = admin(one).issueKey(tenant);
        awaitKnown(two, key);

        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Long> seen = new ConcurrentLinkedQueue<>();
        Thread watcher = new Thread(() -> {
            while (running.get()) {
                for (ConfigurableApplicationContext r : List.of(one, two)) {
                    seen.add(admin(r).expect(200, "GET", "/tenants/" + tenant + "/credits", null)
                            .get("available_micros")
                            .asLong());
                }
            }
        });
        watcher.start();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            calls.add(chat(i % 2 == 0 ? one : two, key));
        }
        Set<String> served = new HashSet<>();
        int refused = 0;
        for (CompletableFuture<HttpResponse<String>> f : calls) {
            HttpResponse<String> r = f.join();
            if (r.statusCode() == 200) {
                served.add(r.headers().firstValue("x-request-id").orElseThrow());
            } else {
                AdminClient.error(r, 429, "insufficient_quota");
                refused++;
            }
        }
        running.set(false);
        watcher.join();
        for (ConfigurableApplicationContext r : List.of(one, two)) {
            assertThat(r.getBean(UsageWriter.class).awaitStored(Duration.ofSeconds(30)))
                    .isTrue();
        }
        long spent = query("SELECT COALESCE(SUM(cost_micros), 0) FROM usage_record WHERE tenant_id = ?", tenant);
        long debits = query("SELECT COALESCE(SUM(cost_micros), 0) FROM usage_daily WHERE tenant_id = ?", tenant);
        System.out.printf(
                "300 calls on two replicas: %d served, %d refused; %d micro-units spent of 550000; "
                        + "bucket seen %d times, lowest %d%n",
                served.size(),
                refused,
                spent,
                seen.size(),
                seen.stream().mapToLong(Long::longValue).min().orElse(-1));

        assertThat(served.size() + refused).isEqualTo(300);
        assertThat(served.size()).as("credits for about 50 calls").isBetween(45, 60);
        assertThat(seen)
                .as("the shared bucket, seen through both replicas during the burst")
                .isNotEmpty()
                .allMatch(available -> available >= 0);
        assertThat(spent).isLessThanOrEqualTo(550_000);
        assertThat(debits).as("the ledger's debits equal the records' costs").isEqualTo(spent);
        assertThat(query("SELECT COALESCE(SUM(cost_micros), 0) FROM usage_hourly WHERE tenant_id = ?", tenant))
                .isEqualTo(spent);
        assertThat(recordIds(tenant))
                .as("exactly one record per served call")
                .containsExactlyInAnyOrderElementsOf(served);
        for (ConfigurableApplicationContext r : List.of(one, two)) {
            JsonNode balance = admin(r).expect(200, "GET", "/tenants/" + tenant + "/credits", null);
            assertThat(balance.get("balance_micros").asLong())
                    .isEqualTo(550_000 - spent)
                    .isNotNegative();
            assertThat(balance.get("available_micros").asLong())
                    .as("the account agrees with the ledger")
                    .isEqualTo(550_000 - spent);
            assertThat(balance.get("held_micros").asLong()).isZero();
        }
        awaitNoDrift(tenant);
    }

    @Test
    void aCreditAccountLostFromRedisIsRebuiltFromTheLedger() throws Exception {
        String tenant = "rebuild-" + RUN;
        admin(one).createTenant(tenant, "echo");
        admin(one).expect(201, "POST", "/tenants/" + tenant + "/credits/grants", "{\"amount\":\"1.00\"}");
        String key = admin(one).issueKey(tenant);
        awaitKnown(two, key);
        assertThat(chat(one, key).join().statusCode()).isEqualTo(200);
        assertThat(one.getBean(UsageWriter.class).awaitStored(Duration.ofSeconds(30)))
                .isTrue();
        long spent = query("SELECT COALESCE(SUM(cost_micros), 0) FROM usage_record WHERE tenant_id = ?", tenant);
        assertThat(spent).isPositive();

        String bucketKey = accountKey(tenant);
        io.lettuce.core.RedisClient redis = io.lettuce.core.RedisClient.create(Replicas.REDIS);
        try (var c = redis.connect()) {
            assertThat(c.sync().exists(bucketKey))
                    .as("the tenant's account lives in Redis")
                    .isEqualTo(1L);
            c.sync().del(bucketKey, bucketKey + ":holds"); // what a Redis restart without persistence does
            JsonNode balance = admin(two).expect(200, "GET", "/tenants/" + tenant + "/credits", null);
            assertThat(balance.get("available_micros").asLong())
                    .as("rebuilt from the ledger")
                    .isEqualTo(1_000_000 - spent);
            assertThat(c.sync().exists(bucketKey)).isEqualTo(1L);
        } finally {
            redis.shutdown();
        }
        assertThat(chat(two, key).join().statusCode()).isEqualTo(200);
        assertThat(two.getBean(UsageWriter.class).awaitStored(Duration.ofSeconds(30)))
                .isTrue();
        long spentAfter = query("SELECT COALESCE(SUM(cost_micros), 0) FROM usage_record WHERE tenant_id = ?", tenant);
        assertThat(admin(one)
                        .expect(200, "GET", "/tenants/" + tenant + "/credits", null)
                        .get("available_micros")
                        .asLong())
                .isEqualTo(1_000_000 - spentAfter);
    }

    /**
     * The periodic check (every 300 ms here) compares the shared account with the ledger on each replica once
     * it is quiet: no drift after the burst; a balance changed behind the gateway's back is reported by both
     * replicas (so the check can fail), and the drift is gone once it is put back.
     */
    private static void awaitNoDrift(String tenant) {
        awaitDrift(0);
        io.lettuce.core.RedisClient redis = io.lettuce.core.RedisClient.create(Replicas.REDIS);
        try (var c = redis.connect()) {
            c.sync().hincrby(accountKey(tenant), "balance", 1234);
            awaitDrift(1234);
            c.sync().hincrby(accountKey(tenant), "balance", -1234);
            awaitDrift(0);
        } finally {
            redis.shutdown();
        }
    }

    private static void awaitDrift(long expected) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (ConfigurableApplicationContext r : List.of(one, two)) {
                assertThat(r.getBean(MeterRegistry.class)
                                .get(MetricNames.LEDGER_DRIFT)
                                .gauge()
                                .value())
                        .as("drift reported by a replica")
                        .isEqualTo((double) expected);
            }
        });
    }

    private static String accountKey(String tenant) {
        return "mgw-credits-it:" + RUN + ":{" + tenant + "}";
    }

    // --- replicas, Redis, PostgreSQL ---

    private static ConfigurableApplicationContext replica() {
        Map<String, Object> p = new HashMap<>(Replicas.onPostgres(SCHEMA));
        p.put("gateway.tenancy.redis-url", Replicas.REDIS);
        p.put("gateway.tenancy.channel", "model-gateway:tenancy:" + SCHEMA);
        p.put("gateway.billing.redis-url", Replicas.REDIS);
        p.put("gateway.billing.redis-key-prefix", "mgw-credits-it:" + RUN + ":");
        p.put("gateway.billing.check-interval", "300ms");
        // 300 concurrent calls on two replicas in one JVM on a small machine: no hold may time out here
        p.put("gateway.billing.redis-timeout", "5s");
        p.put("gateway.admin-api-key", ADMIN_KEY);
        p.put("gateway.demo-api-key", "sk-c6808590cc0a06e760631f48cd5827dee87c1949");
        p.put("gateway.embedded-model-server.embeddings", "false");
        String[] args = p.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(GatewayApplication.class).run(args);
    }

    private static CompletableFuture<HttpResponse<String>> chat(ConfigurableApplicationContext r, String key) {
        String body = "{\"model\":\"echo\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"one two three four five six seven eight nine ten eleven twelve\"}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(url(r) + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitKnown(ConfigurableApplicationContext r, String key) {
        HttpRequest get = HttpRequest.newBuilder(URI.create(url(r) + "/v1/models"))
                .header("Authorization", "Bearer " + key)
                .build();
        org.awaitility.Awaitility.await("replica two learns the key")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> HttpClient.newHttpClient()
                                .send(get, HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
    }

    private static Set<String> recordIds(String tenant) throws SQLException {
        Set<String> ids = new HashSet<>();
        List<String> all = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(Replicas.PG + "?currentSchema=" + SCHEMA, "postgres", "");
                PreparedStatement ps = c.prepareStatement("SELECT request_id FROM usage_record WHERE tenant_id = ?")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.add(rs.getString(1));
                    ids.add(rs.getString(1));
                }
            }
        }
        assertThat(all).hasSameSizeAs(ids);
        return ids;
    }

    private static long query(String sql, String tenant) throws SQLException {
        try (Connection c = DriverManager.getConnection(Replicas.PG + "?currentSchema=" + SCHEMA, "postgres", "");
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static AdminClient admin(ConfigurableApplicationContext r) {
        return new AdminClient(url(r), ADMIN_KEY);
    }

    private static String url(ConfigurableApplicationContext ctx) {
        return "http://127.0.0.1:"
                + Objects.requireNonNull(((WebServerApplicationContext) ctx).getWebServer(), "started")
                        .getPort();
    }
}

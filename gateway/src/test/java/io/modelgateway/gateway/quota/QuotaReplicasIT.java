package io.modelgateway.gateway.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.modelgateway.gateway.AdminClient;
import io.modelgateway.gateway.GatewayApplication;
import io.modelgateway.gateway.Replicas;
import io.modelgateway.gateway.quota.internal.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two gateway replicas sharing one Redis that this test starts (and kills) itself, and the real PostgreSQL
 * (a schema unique to this run). Both replicas share one clock that only moves when the test moves it, so
 * no token refills while the test runs and every number is exact. Fails (never skips) without PostgreSQL
 * or the {@code redis-server} binary.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SuppressWarnings("NullAway") // test plumbing: no body, a web server that exists once started
class QuotaReplicasIT {

    private static final String ADMIN_KEY = "sk-f490ff1b481d655591d0b702c9ed4d521c5dfd56";
    private static final String RUN =
            UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final String SCHEMA = "mgw_quota_" + RUN;
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));

    private static int redisPort;
    private static Process redis;
    private static ConfigurableApplicationContext one;
    private static ConfigurableApplicationContext two;

    @BeforeAll
    static void start() throws Exception {
        redisPort = Replicas.freePort();
        redis = Replicas.startOwnRedis(redisPort);
        Replicas.sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        one = replica();
        two = replica();
    }

    @AfterAll
    static void stop() throws Exception {
        if (two != null) {
            two.close();
        }
        if (one != null) {
            one.close();
        }
        if (redis != null) {
            redis.destroyForcibly().waitFor();
        }
        Replicas.sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }

    @Test
    @Order(1)
    void twoHundredConcurrentRequestsAgainstSixtyRpmAdmitExactlySixtyAcrossBothReplicas() {
        String key = tenant(); // the deployment's default: 60 RPM
        warmUp();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(chatAsync(i % 2 == 0 ? one : two, key, 5));
        }
        Map<Integer, Integer> statuses = new HashMap<>();
        calls.forEach(c -> statuses.merge(c.join().statusCode(), 1, Integer::sum));
        System.out.println("200 concurrent calls against 60 RPM: " + statuses);
        assertThat(statuses).containsExactlyInAnyOrderEntriesOf(Map.of(200, 60, 429, 140));

        CLOCK.advance(Duration.ofSeconds(1)); // one request per second comes back, for both replicas together
        assertThat(chat(two, key, 5).statusCode()).isEqualTo(200);
        assertThat(chat(one, key, 5).statusCode()).isEqualTo(429);
    }

    @Test
    @Order(2)
    void tokensHeldByACallOnOneReplicaAreRefundedSoTheNextFitsOnTheOther() {
        String tenant = "tpm-" + RUN;
        String key = tenant(tenant);
        admin(one).expect(200, "PUT", "/tenants/" + tenant + "/limits/echo", "{\"tpm\":500}");
        awaitLimit(two, key, "x-ratelimit-limit-tokens", 500);
        long before = header(chat(two, key, 1), "x-ratelimit-remaining-tokens");

        HttpResponse<String> first = chat(one, key, 300);
        assertThat(first.statusCode()).isEqualTo(200);
        long used = usage(first).get("total_tokens").asLong();
        long estimate = usage(first).get("prompt_tokens").asLong() + 300;
        assertThat(header(first, "x-ratelimit-remaining-tokens"))
                .as("the estimate is held")
                .isEqualTo(before - estimate);
        assertThat(estimate).as("without the refund the next one would not fit").isGreaterThan((before - estimate));

        HttpResponse<String> second = chat(two, key, 300);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        long estimate2 = usage(second).get("prompt_tokens").asLong() + 300;
        assertThat(header(second, "x-ratelimit-remaining-tokens"))
                .as("headers match the shared bucket")
                .isEqualTo(before - used - estimate2);
    }

    @Test
    @Order(3)
    void retryAfterIsExactAcrossReplicas() {
        String tenant = "ra-" + RUN;
        String key = tenant(tenant);
        admin(two).expect(200, "PUT", "/tenants/" + tenant + "/limits/echo", "{\"rpm\":2}");
        awaitLimit(one, key, "x-ratelimit-limit-requests", 2); // takes one request
        assertThat(chat(two, key, 5).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = chat(one, key, 5);
        AdminClient.error(refused, 429, "rate_limit_exceeded");
        assertThat(header(refused, "retry-after-ms")).isEqualTo(30_000);
        assertThat(header(refused, "retry-after")).isEqualTo(30);

        CLOCK.advance(Duration.ofMillis(29_999));
        assertThat(chat(two, key, 5).statusCode()).as("1 ms early").isEqualTo(429);
        CLOCK.advance(Duration.ofMillis(1));
        assertThat(chat(two, key, 5).statusCode()).as("on time").isEqualTo(200);
    }

    @Test
    @Order(4)
    void anOverrideSetThroughOneReplicaBindsTheOtherWithinASecond() {
        String tenant = "ov-" + RUN;
        String key = tenant(tenant);
        assertThat(header(chat(two, key, 5), "x-ratelimit-limit-requests")).isEqualTo(60);
        admin(one).expect(200, "PUT", "/tenants/" + tenant + "/limits/echo", "{\"rpm\":1000}");
        long ms = awaitLimit(two, key, "x-ratelimit-limit-requests", 1000);
        assertThat(ms)
                .as("periodic reload is an hour: only the invalidation can do it")
                .isLessThan(1000);
    }

    @Test
    @Order(5)
    void whenRedisDiesEachReplicaServesItsShareAndSaysSoThenSharesAgainWhenRedisIsBack() throws Exception {
        String tenant = "out-" + RUN;
        String key = tenant(tenant);
        admin(one).expect(200, "PUT", "/tenants/" + tenant + "/limits/echo", "{\"rpm\":10}");
        awaitLimit(two, key, "x-ratelimit-limit-requests", 10);
        assertThat(quotaHealth(one).get("details").get("store").asString()).isEqualTo("redis");

        redis.destroyForcibly().waitFor();
        // Local shares: 10 / 2 replicas, counted from zero on each.
        assertThat(admitted(one, key, 8)).isEqualTo(5);
        assertThat(admitted(two, key, 8)).isEqualTo(5);
        for (ConfigurableApplicationContext r : List.of(one, two)) {
            JsonNode health = quotaHealth(r);
            assertThat(health.get("status").asString()).isEqualTo("DEGRADED");
            assertThat(health.get("details").get("fallback").asString()).isEqualTo("local");
            assertThat(degradedGauge(r)).isEqualTo(1.0);
        }
        assertThat(status(one, "/readyz")).as("degraded is still serving").isEqualTo(200);

        redis = Replicas.startOwnRedis(redisPort); // an empty Redis on the same port
        for (ConfigurableApplicationContext r : List.of(one, two)) {
            await().atMost(Duration.ofSeconds(15))
                    .untilAsserted(() ->
                            assertThat(quotaHealth(r).get("status").asString()).isEqualTo("UP"));
            assertThat(degradedGauge(r)).isEqualTo(0.0);
        }
        assertThat(admitted(one, key, 6) + admitted(two, key, 6))
                .as("one shared limit again")
                .isEqualTo(10);
    }

    /** A few calls of another tenant through both replicas, so the burst does not meet a cold JIT. */
    private static void warmUp() {
        String other = tenant();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            calls.add(chatAsync(i % 2 == 0 ? one : two, other, 5));
        }
        calls.forEach(CompletableFuture::join);
    }

    // --- replicas, Redis, PostgreSQL ---

    private static ConfigurableApplicationContext replica() {
        Map<String, Object> p = new HashMap<>(Replicas.onPostgres(SCHEMA));
        p.put("gateway.tenancy.redis-url", redisUrl());
        p.put("gateway.tenancy.channel", "model-gateway:tenancy:" + SCHEMA);
        p.put("gateway.quota.redis-url", redisUrl());
        p.put("gateway.quota.key-prefix", "mgw-quota-it:" + RUN);
        p.put("gateway.quota.replicas", "2");
        p.put("gateway.quota.recovery-interval", "200ms");
        p.put("gateway.quota.reload-interval", "1h");
        p.put("gateway.admin-api-key", ADMIN_KEY);
        p.put("gateway.demo-api-key", "sk-dc2a15e00d07e62dd8dbd0cc8e8ff518c1e225b3");
        p.put("gateway.embedded-model-server.embeddings", "false");
        p.put("gateway.deployments.echo.rpm", "60");
        p.put("management.endpoints.web.exposure.include", "health");
        String[] args = p.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(GatewayApplication.class)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("clock", CLOCK))
                .run(args);
    }

    private static String redisUrl() {
        return "redis://127.0.0.1:" + redisPort;
    }

    // --- calls ---

    private static String tenant() {
        return tenant("c-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** Creates a tenant through replica one and waits until replica two knows its key. */
    private static String tenant(String id) {
        admin(one).createTenant(id, "echo");
        String key = admin(one).issueKey(id);
        await("replica two learns the key")
                .atMost(Duration.ofSeconds(10))
                .until(() -> status(two, "/v1/models", key) == 200);
        return key;
    }

    /** Polls {@code r} until a call shows {@code limit} in {@code header}; the time it took in ms. */
    private static long awaitLimit(ConfigurableApplicationContext r, String key, String header, long limit) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < Duration.ofSeconds(10).toNanos()) {
            HttpResponse<String> response = chat(r, key, 1);
            if (response.headers().firstValue(header).map(Long::parseLong).orElse(-1L) == limit) {
                long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
                System.out.println(header + " = " + limit + " on the other replica after " + ms + " ms");
                return ms;
            }
        }
        throw new AssertionError(header + " never became " + limit);
    }

    private static int admitted(ConfigurableApplicationContext r, String key, int calls) {
        int ok = 0;
        for (int i = 0; i < calls; i++) {
            int status = chat(r, key, 5).statusCode();
            assertThat(status).isIn(200, 429);
            ok += status == 200 ? 1 : 0;
        }
        return ok;
    }

    private static HttpResponse<String> chat(ConfigurableApplicationContext r, String key, int maxTokens) {
        return chatAsync(r, key, maxTokens).join();
    }

    private static CompletableFuture<HttpResponse<String>> chatAsync(
            ConfigurableApplicationContext r, String key, int maxTokens) {
        String body = "{\"model\":\"echo\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(url(r) + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return client().sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode usage(HttpResponse<String> r) {
        return AdminClient.JSON.readTree(r.body()).get("usage");
    }

    private static JsonNode quotaHealth(ConfigurableApplicationContext r) {
        HttpResponse<String> health = client().sendAsync(
                        HttpRequest.newBuilder(URI.create(Replicas.managementUrl(r) + "/actuator/health"))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .join();
        return AdminClient.JSON.readTree(health.body()).get("components").get("quota");
    }

    private static double degradedGauge(ConfigurableApplicationContext r) {
        return r.getBean(MeterRegistry.class)
                .get("gateway.redis.fallback.active")
                .gauge()
                .value();
    }

    private static int status(ConfigurableApplicationContext r, String path) {
        return get(r, path, null).statusCode();
    }

    private static int status(ConfigurableApplicationContext r, String path, String key) {
        return get(r, path, key).statusCode();
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext r, String path, String key) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(url(r) + path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return client().sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
                .join();
    }

    /** A fresh client (connection) per call, as AdminClient does. */
    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    private static AdminClient admin(ConfigurableApplicationContext r) {
        return new AdminClient(url(r), ADMIN_KEY);
    }

    private static long header(HttpResponse<String> r, String name) {
        return Long.parseLong(r.headers()
                .firstValue(name)
                .orElseThrow(() -> new AssertionError("no " + name + " header in " + r.statusCode() + " "
                        + r.headers().map())));
    }

    private static String url(ConfigurableApplicationContext ctx) {
        return "http://127.0.0.1:"
                + ((WebServerApplicationContext) ctx).getWebServer().getPort();
    }
}

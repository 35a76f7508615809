package io.modelgateway.gateway.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two replicas whose credit accounts live in a Redis of this test's own (a {@code redis-server} process on a
 * free port; the shared Redis carries only the tenancy invalidations), on PostgreSQL. Under load, Redis is
 * killed (SIGKILL) and later started again empty, then paused ({@code CLIENT PAUSE}: it accepts commands but
 * answers none). Throughout, every call of a tenant with credits is answered within {@link #BOUND} (200 or
 * 503 {@code billing_unavailable}, never a hang), a tenant without credits is served, and after each recovery
 * both replicas show {@code available = ledger balance - open holds} with no hold left over and no drift.
 */
class CreditRedisOutageIT {

    private static final String ADMIN_KEY = "sk-39091e53345455916fbd2ea87139e0199e1f8b15";
    private static final String RUN =
            UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final String SCHEMA = "mgw_outage_" + RUN;
    private static final String PRICE =
            "{\"input_per_1m\":\"2.50\",\"output_per_1m\":\"1000\",\"per_request\":\"0.001\",\"effective_from\":1}";
    /** The longest a call may take: far above the 500 ms Redis timeout, far below the old 32 s hang. */
    private static final Duration BOUND = Duration.ofSeconds(3);

    private static int port;
    private static Process redis;
    private static ConfigurableApplicationContext one;
    private static ConfigurableApplicationContext two;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        Replicas.requireRedis();
        port = Replicas.freePort();
        redis = Replicas.startOwnRedis(port);
        Replicas.sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        one = replica();
        admin(one).expect(201, "POST", "/prices/echo", PRICE);
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
    void creditTenantsGetA503AtOnceWhileRedisIsDownAndTheBalanceIsExactAfterwards() throws Exception {
        String tenant = "out-" + RUN;
        admin(one).createTenant(tenant, "echo");
        admin(one).expect(201, "POST", "/tenants/" + tenant + "/credits/grants", "{\"amount\":\"20.00\"}");
        String key = admin(one).issueKey(tenant);
        String plain = "plain-" + RUN;
        admin(one).createTenant(plain, "echo");
        String plainKey = admin(one).issueKey(plain);
        awaitServed(two, key);
        awaitServed(two, plainKey);

        // killed under load: calls in flight end as 200 or 503, never later than the bound
        List<CompletableFuture<Answer>> burst = burst(key, 40);
        redis.destroyForcibly().waitFor();
        assertBounded(burst, 200, 503);
        awaitStatus(one, key, 503);
        awaitStatus(two, key, 503);
        assertBounded(burst(key, 20), 503);
        assertThat(call(one, plainKey).status)
                .as("a tenant without credits is not held up")
                .isEqualTo(200);

        redis = Replicas.startOwnRedis(port); // empty: the accounts are built again from the ledger
        awaitStatus(one, key, 200);
        awaitStatus(two, key, 200);
        assertBounded(burst(key, 20), 200);
        assertExact(tenant);

        // paused: Redis takes commands and answers none, so only the timeout ends them
        List<CompletableFuture<Answer>> busy = burst(key, 20);
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
        try (var c = client.connect()) {
            c.sync().clientPause(3000);
        } finally {
            client.shutdown();
        }
        assertBounded(busy, 200, 503);
        assertBounded(burst(key, 20), 200, 503);
        awaitStatus(one, key, 200);
        awaitStatus(two, key, 200);
        assertExact(tenant);
        assertThat(one.getBean(MeterRegistry.class)
                        .get(MetricNames.CREDIT_ACCOUNT_FAILURES)
                        .functionCounter()
                        .count())
                .as("failed Redis commands are counted")
                .isPositive();
    }

    /** Both replicas, once every usage record is stored: available = ledger balance - holds, nothing held. */
    private static void assertExact(String tenant) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (ConfigurableApplicationContext r : List.of(one, two)) {
                assertThat(r.getBean(UsageWriter.class).awaitStored(Duration.ofSeconds(10)))
                        .isTrue();
            }
            for (ConfigurableApplicationContext r : List.of(one, two)) {
                JsonNode b = admin(r).expect(200, "GET", "/tenants/" + tenant + "/credits", null);
                assertThat(b.get("held_micros").asLong())
                        .as("no hold outlives its call")
                        .isZero();
                assertThat(b.get("available_micros").asLong())
                        .as("available = ledger - holds")
                        .isEqualTo(b.get("balance_micros").asLong()
                                - b.get("held_micros").asLong());
                assertThat(b.get("balance_micros").asLong()).isLessThan(20_000_000);
            }
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (ConfigurableApplicationContext r : List.of(one, two)) {
                assertThat(r.getBean(MeterRegistry.class)
                                .get(MetricNames.LEDGER_DRIFT)
                                .gauge()
                                .value())
                        .as("drift after the recovery")
                        .isZero();
            }
        });
    }

    private record Answer(int status, @Nullable String code) {}

    private List<CompletableFuture<Answer>> burst(String key, int calls) {
        List<CompletableFuture<Answer>> all = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            all.add(send(i % 2 == 0 ? one : two, key));
        }
        return all;
    }

    /** Every call answered within the bound, each with one of {@code statuses} (503s: billing_unavailable). */
    private static void assertBounded(List<CompletableFuture<Answer>> calls, Integer... statuses) {
        for (CompletableFuture<Answer> f : calls) {
            Answer a;
            try {
                a = f.join();
            } catch (CompletionException e) {
                throw new AssertionError("a call was not answered within " + BOUND + ": " + e.getCause(), e);
            }
            assertThat(a.status).isIn((Object[]) statuses);
            if (a.status == 503) {
                assertThat(a.code).isEqualTo("billing_unavailable");
            }
        }
    }

    private Answer call(ConfigurableApplicationContext r, String key) {
        try {
            return send(r, key).join();
        } catch (CompletionException e) {
            throw new AssertionError("no answer within " + BOUND, e);
        }
    }

    private void awaitStatus(ConfigurableApplicationContext r, String key, int status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> call(r, key).status == status);
    }

    private void awaitServed(ConfigurableApplicationContext r, String key) {
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> call(r, key).status == 200);
    }

    private CompletableFuture<Answer> send(ConfigurableApplicationContext r, String key) {
        String body = "{\"model\":\"echo\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"one two three four five six seven eight\"}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(url(r) + "/v1/chat/completions"))
                .timeout(BOUND)
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(resp -> {
            String code = null;
            if (resp.statusCode() != 200) {
                JsonNode error = AdminClient.JSON.readTree(resp.body()).path("error");
                code = error.path("code").asString();
            }
            return new Answer(resp.statusCode(), code);
        });
    }

    // --- the test's own Redis and the replicas ---

    private static ConfigurableApplicationContext replica() {
        Map<String, Object> p = new HashMap<>(Replicas.onPostgres(SCHEMA));
        p.put("gateway.tenancy.redis-url", Replicas.REDIS);
        p.put("gateway.tenancy.channel", "model-gateway:tenancy:" + SCHEMA);
        p.put("gateway.billing.redis-url", "redis://127.0.0.1:" + port);
        p.put("gateway.billing.redis-key-prefix", "mgw-outage-it:" + RUN + ":");
        p.put("gateway.billing.redis-timeout", "500ms");
        p.put("gateway.billing.check-interval", "300ms");
        p.put("gateway.billing.flush-interval", "50ms");
        p.put("gateway.admin-api-key", ADMIN_KEY);
        p.put("gateway.demo-api-key", "sk-c977de32dbae68478c9f8bcc3c1a0e70e5f65bab");
        p.put("gateway.embedded-model-server.embeddings", "false");
        String[] args = p.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(GatewayApplication.class).run(args);
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

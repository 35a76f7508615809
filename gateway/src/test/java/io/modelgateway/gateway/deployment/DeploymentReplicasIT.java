package io.modelgateway.gateway.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.AdminClient;
import io.modelgateway.gateway.GatewayApplication;
import io.modelgateway.gateway.Replicas;
import io.modelgateway.modelserver.ModelServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two gateway replicas sharing the real PostgreSQL (a schema unique to this run) and Redis: a deployment
 * defined, replaced or deleted through one is served accordingly by the other within a second. The periodic
 * reloads are set to an hour, so only the Redis signal can do it. Fails (never skips) without PostgreSQL or Redis.
 */
class DeploymentReplicasIT {

    private static final String ADMIN_KEY = "sk-31c728507c928a175d0c757e1cbd361681b49790";
    private static final String DEMO_KEY = "sk-832892f436828aa68808d4c4e9ccedd17fe7f20b";
    private static final String SCHEMA =
            "mgw_dep_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static ModelServer server;
    private static ConfigurableApplicationContext one;
    private static ConfigurableApplicationContext two;

    @BeforeAll
    static void startTwoReplicas() throws SQLException {
        Replicas.requireRedis();
        Replicas.sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        server = ModelServer.builder().port(0).embeddings(false).start();
        one = start();
        two = start();
    }

    @AfterAll
    static void stop() throws SQLException {
        if (two != null) {
            two.close();
        }
        if (one != null) {
            one.close();
        }
        if (server != null) {
            server.close();
        }
        Replicas.sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }

    private static ConfigurableApplicationContext start() {
        Map<String, Object> p = new HashMap<>(Replicas.onPostgres(SCHEMA));
        p.put("gateway.tenancy.redis-url", Replicas.REDIS);
        p.put("gateway.tenancy.channel", "model-gateway:tenancy:" + SCHEMA);
        p.put("gateway.tenancy.reload-interval", "1h");
        p.put("gateway.deployment-catalog.reload-interval", "1h");
        p.put("gateway.admin-api-key", ADMIN_KEY);
        p.put("gateway.demo-api-key", DEMO_KEY);
        p.put("gateway.embedded-model-server.embeddings", "false");
        String[] args = p.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(GatewayApplication.class).run(args);
    }

    private static String url(ConfigurableApplicationContext ctx) {
        return "http://127.0.0.1:"
                + Objects.requireNonNull(((WebServerApplicationContext) ctx).getWebServer(), "started")
                        .getPort();
    }

    @Test
    void deploymentDefinedReplacedAndDeletedThroughOneReplicaReachesTheOtherWithinASecond() {
        AdminClient admin = new AdminClient(url(one), ADMIN_KEY);
        String name = "dyn-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(status(two, name, 4)).isEqualTo(404);

        admin.expect(
                201,
                "POST",
                "/deployments",
                "{\"name\":\"" + name + "\",\"backend\":\"" + server.target()
                        + "\",\"model\":\"echo\",\"chat_template\":\"plain\"}");
        assertThat(millisUntil(two, name, 4, 200))
                .as("new deployment served by replica two")
                .isLessThan(1000);

        admin.expect(
                200,
                "PUT",
                "/deployments/" + name,
                "{\"backend\":\"" + server.target()
                        + "\",\"model\":\"echo\",\"default_max_tokens\":2,\"max_tokens_limit\":3}");
        assertThat(millisUntil(two, name, 4, 400))
                .as("lower limit in force on replica two")
                .isLessThan(1000);
        assertThat(status(two, name, 3)).isEqualTo(200);

        admin.expect(200, "DELETE", "/deployments/" + name, null);
        assertThat(millisUntil(two, name, 3, 404))
                .as("deletion reached replica two")
                .isLessThan(1000);
        assertThat(status(one, name, 3)).isEqualTo(404);
    }

    @Test
    void catalogEntryAndRetirementReachTheOtherReplica() {
        AdminClient admin = new AdminClient(url(one), ADMIN_KEY);
        String name = "cat-" + UUID.randomUUID().toString().substring(0, 8);
        admin.expect(
                201,
                "POST",
                "/deployments",
                "{\"name\":\"" + name + "\",\"backend\":\"" + server.target()
                        + "\",\"model\":\"echo\",\"catalog\":{\"display_name\":\"Echo on Postgres\",\"tags\":[\"pg\"],"
                        + "\"lifecycle\":\"deprecated\",\"retirement_date\":\"2999-01-01\"}}");
        assertThat(millisUntil(two, name, 4, 200)).as("served by replica two").isLessThan(1000);
        JsonNode model = AdminClient.JSON.readTree(get(two, "/v1/models/" + name));
        assertThat(model.get("display_name").asString()).isEqualTo("Echo on Postgres");
        assertThat(model.get("lifecycle").get("status").asString()).isEqualTo("deprecated");

        admin.expect(
                200,
                "PUT",
                "/deployments/" + name,
                "{\"backend\":\"" + server.target() + "\",\"model\":\"echo\","
                        + "\"catalog\":{\"lifecycle\":\"retired\",\"successor\":\"echo\"}}");
        assertThat(millisUntil(two, name, 4, 410)).as("retired on replica two").isLessThan(1000);
    }

    private static String get(ConfigurableApplicationContext ctx, String path) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create(url(ctx) + path))
                                    .header("Authorization", "Bearer " + DEMO_KEY)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void deploymentsTableWasMigratedOnPostgres() throws SQLException {
        try (Connection c = DriverManager.getConnection(Replicas.PG, "postgres", "");
                var rs = c.createStatement()
                        .executeQuery("SELECT count(*) FROM information_schema.tables" + " WHERE table_schema = '"
                                + SCHEMA + "' AND table_name = 'deployment'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    /** Calls {@code ctx} until it answers {@code expected}; the time it took, or 10 s. */
    private static long millisUntil(ConfigurableApplicationContext ctx, String model, int maxTokens, int expected) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < Duration.ofSeconds(10).toNanos()) {
            if (status(ctx, model, maxTokens) == expected) {
                long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
                System.out.println("replica answered " + expected + " after " + ms + " ms");
                return ms;
            }
        }
        return Long.MAX_VALUE;
    }

    private static int status(ConfigurableApplicationContext ctx, String model, int maxTokens) {
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create(url(ctx) + "/v1/chat/completions"))
                                    .header("Authorization", "Bearer " + DEMO_KEY)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

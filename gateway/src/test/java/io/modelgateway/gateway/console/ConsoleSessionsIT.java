package io.modelgateway.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.modelgateway.gateway.GatewayApplication;
import io.modelgateway.gateway.Replicas;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Console sessions shared by replicas: signed in on replica A, the browser's cookie works on replica B; signed out
 * on B, A refuses it. Once with sessions in Redis (two replicas with the console's Redis), once in the database (two
 * replicas without); all four on one PostgreSQL schema of this run. Neither store holds the key or the session id
 * in clear. Fails (never skips) without PostgreSQL or Redis.
 */
class ConsoleSessionsIT {

    private static final String ADMIN_KEY = "sk-5c2d9e8f7a6b4c3d2e1f0a9b8c7d6e5f4a3b2c1d";
    private static final String SCHEMA =
            "mgw_cs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private static final List<ConfigurableApplicationContext> replicas = new ArrayList<>();

    @BeforeAll
    static void startReplicas() throws SQLException {
        Replicas.requireRedis();
        Replicas.sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        for (boolean redis : new boolean[] {true, true, false, false}) {
            replicas.add(start(redis));
        }
    }

    @AfterAll
    static void stop() throws SQLException {
        replicas.forEach(ConfigurableApplicationContext::close);
        Replicas.sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }

    private static ConfigurableApplicationContext start(boolean redis) {
        Map<String, Object> p = new HashMap<>(Replicas.onPostgres(SCHEMA));
        p.put("gateway.admin-api-key", ADMIN_KEY);
        p.put("gateway.embedded-model-server.embeddings", "false");
        p.put("gateway.console.redis-url", redis ? Replicas.REDIS : "");
        String[] args = p.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(GatewayApplication.class)
                .initializers(Replicas.ownNettyResources())
                .run(args);
    }

    @Test
    void aSessionInRedisWorksOnEveryReplicaAndEndsOnAllAtSignOut() {
        String session = signInOnAUseOnBSignOutOnB(url(0), url(1));
        RedisClient client = RedisClient.create(Replicas.REDIS);
        try (var c = client.connect()) {
            // signed out: gone; and while it lived, stored under a hash (checked for a live one below)
            assertThat(c.sync().keys("model-gateway:console:session:*")).noneMatch(k -> k.contains(session));
            String live = signIn(url(0));
            List<String> keys = c.sync().keys("model-gateway:console:session:*");
            assertThat(keys).isNotEmpty().noneMatch(k -> k.contains(live));
            for (String k : keys) {
                assertThat(c.sync().get(k)).doesNotContain(ADMIN_KEY).doesNotContain(live);
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aSessionInTheDatabaseWorksOnEveryReplicaAndEndsOnAllAtSignOut() throws SQLException {
        signInOnAUseOnBSignOutOnB(url(2), url(3));
        String live = signIn(url(3));
        assertThat(get(url(2) + "/console/overview", live).statusCode()).isEqualTo(200);
        try (Connection c = DriverManager.getConnection(Replicas.PG + "?currentSchema=" + SCHEMA, "postgres", "");
                ResultSet rs = c.createStatement().executeQuery("SELECT id, body FROM console_session")) {
            int rows = 0;
            while (rs.next()) {
                rows++;
                assertThat(rs.getString("id")).doesNotContain(live);
                assertThat(rs.getString("body")).doesNotContain(ADMIN_KEY).doesNotContain(live);
            }
            assertThat(rows).isPositive();
        }
    }

    /** Returns the (ended) session id. */
    private static String signInOnAUseOnBSignOutOnB(String a, String b) {
        String session = signIn(a);
        HttpResponse<String> onB = get(b + "/console/overview", session);
        assertThat(onB.statusCode())
                .as("replica B knows the session replica A opened")
                .isEqualTo(200);
        Matcher csrf = CSRF.matcher(onB.body());
        assertThat(csrf.find()).isTrue();

        HttpResponse<String> signOut =
                post(b + "/console/sign-out", "console_session=" + session, "_csrf=" + enc(csrf.group(1)));
        assertThat(signOut.statusCode()).isEqualTo(303);
        assertThat(signOut.headers().firstValue("location")).hasValue("/console/sign-in");

        HttpResponse<String> onA = get(a + "/console/overview", session);
        assertThat(onA.statusCode()).as("signed out on B, refused on A").isEqualTo(303);
        assertThat(onA.headers().firstValue("location")).hasValue("/console/sign-in");
        return session;
    }

    /** Signs in through the form (its CSRF token double-submitted); returns the session cookie's value. */
    private static String signIn(String base) {
        HttpResponse<String> form = get(base + "/console/sign-in", null);
        String token = cookie(form, "console_sign_in");
        HttpResponse<String> r = post(
                base + "/console/sign-in",
                "console_sign_in=" + token,
                "_csrf=" + enc(token) + "&key=" + enc(ADMIN_KEY));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        assertThat(r.headers().firstValue("location")).hasValue("/console/overview");
        return cookie(r, "console_session");
    }

    private static String cookie(HttpResponse<String> r, String name) {
        return r.headers().allValues("set-cookie").stream()
                .filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';')))
                .findFirst()
                .orElseThrow();
    }

    private static HttpResponse<String> get(String url, String session) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (session != null) {
            b.header("Cookie", "console_session=" + session);
        }
        return send(b.build());
    }

    private static HttpResponse<String> post(String url, String cookie, String form) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }

    private static String url(int replica) {
        return "http://127.0.0.1:"
                + ((WebServerApplicationContext) replicas.get(replica))
                        .getWebServer()
                        .getPort();
    }
}

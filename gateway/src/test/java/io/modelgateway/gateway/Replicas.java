package io.modelgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What every multi-replica IT needs: the local PostgreSQL and Redis (failing loudly when they are missing),
 * the properties of one gateway replica on PostgreSQL in the test's own schema with its own usage spool, a
 * replica started with them ({@link #start}), and two such replicas sharing a schema and Redis ({@link Two}).
 */
public final class Replicas {

    public static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String REDIS = "redis://127.0.0.1:6379";
    /** The console's session secret (required when sessions are shared, as on PostgreSQL). */
    public static final String CONSOLE_SECRET = "replicas-console-session-secret-0123456789";

    private Replicas() {}

    /** A replica on a random port (and management port), on PostgreSQL in {@code schema}, with a usage spool of its own. */
    public static Map<String, Object> onPostgres(String schema) {
        Map<String, Object> p = new HashMap<>();
        p.put("server.port", "0");
        p.put("management.server.port", "0");
        p.put("spring.datasource.url", PG + "?currentSchema=" + schema);
        p.put("spring.datasource.username", "postgres");
        p.put("spring.datasource.password", "");
        p.put("spring.flyway.schemas", schema);
        p.put("spring.flyway.default-schema", schema);
        p.put("gateway.console.session-secret", CONSOLE_SECRET);
        // one writer per spool directory
        p.put(
                "gateway.billing.spool-dir",
                System.getProperty("java.io.tmpdir") + "/" + schema + "-spool-" + UUID.randomUUID());
        return p;
    }

    /** A schema name unique to this run: {@code prefix} and 12 random hex digits. */
    public static String schema(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /**
     * Starts a gateway with {@code properties} as command-line arguments (they override application.yaml, which
     * default properties would not) and Reactor Netty resources of its own ({@link #ownNettyResources()}).
     */
    public static ConfigurableApplicationContext start(Map<String, Object> properties) {
        String[] args = properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(GatewayApplication.class)
                .initializers(ownNettyResources())
                .run(args);
    }

    /** Where a replica serves the API (its server port). */
    public static String url(ConfigurableApplicationContext replica) {
        return "http://127.0.0.1:"
                + ((WebServerApplicationContext) replica).getWebServer().getPort();
    }

    /** Where a replica serves {@code /actuator/**} (its management port). */
    public static String managementUrl(ConfigurableApplicationContext replica) {
        return "http://127.0.0.1:" + replica.getEnvironment().getProperty("local.management.port");
    }

    /** Runs one statement on the test database. */
    public static void sql(String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new SQLException(
                    "this test needs PostgreSQL on 127.0.0.1:5432 (database 'test', user " + "'postgres', trust auth): "
                            + e.getMessage(),
                    e);
        }
    }

    /** Fails unless the local Redis answers. */
    public static void requireRedis() {
        RedisClient client = RedisClient.create(REDIS);
        try (var c = client.connect()) {
            assertThat(c.sync().ping()).isEqualTo("PONG");
        } catch (RuntimeException e) {
            throw new IllegalStateException("this test needs Redis on 127.0.0.1:6379: " + e.getMessage(), e);
        } finally {
            client.shutdown();
        }
    }

    /** A free TCP port on loopback (for a replica's own Redis). */
    public static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Starts a Redis of the test's own ({@code redis-server} on PATH, nothing kept on disk) on a loopback port,
     * so that the test may kill and restart it without touching the shared one; returns once it answers PING.
     */
    public static Process startOwnRedis(int port) throws Exception {
        java.io.File log = java.io.File.createTempFile("own-redis-" + port + "-", ".log");
        Process redis = new ProcessBuilder(
                        "redis-server",
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no")
                .redirectErrorStream(true)
                .redirectOutput(log)
                .start();
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
        try {
            org.awaitility.Awaitility.await(
                            "redis-server on port " + port + " (needs redis-server on PATH; see " + log + ")")
                    .atMost(java.time.Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .until(() -> {
                        try (var c = client.connect()) {
                            return "PONG".equals(c.sync().ping());
                        }
                    });
        } finally {
            client.shutdown();
        }
        return redis;
    }

    /**
     * For an application a test starts and closes itself: its Reactor Netty resources are its own, so closing it
     * does not dispose the global event loops that servers of other contexts in this JVM still run on (the
     * management server of the shared test context, say). Spring Boot's test support does the same for the
     * contexts it creates.
     */
    public static org.springframework.context.ApplicationContextInitializer<ConfigurableApplicationContext>
            ownNettyResources() {
        return context -> context.getBeanFactory()
                .addBeanPostProcessor(new org.springframework.beans.factory.config.BeanPostProcessor() {
                    @Override
                    public Object postProcessBeforeInitialization(Object bean, String name) {
                        if (bean instanceof org.springframework.http.client.ReactorResourceFactory factory) {
                            factory.setUseGlobalResources(false);
                        }
                        return bean;
                    }
                });
    }

    /**
     * Two gateway replicas on the real PostgreSQL, in a schema of the test's own (dropped before and after), and
     * the shared Redis, over which tenancy changes are signalled on a channel of that schema's own. Each replica
     * is {@link #onPostgres} with the admin key, no embeddings model, and the test's {@code extra} properties.
     * Fails (never skips) without PostgreSQL or Redis.
     */
    public static final class Two implements AutoCloseable {

        private final String schema;
        public final ConfigurableApplicationContext one;
        public final ConfigurableApplicationContext two;

        private Two(String schema, ConfigurableApplicationContext one, ConfigurableApplicationContext two) {
            this.schema = schema;
            this.one = one;
            this.two = two;
        }

        public static Two start(String schema, String adminKey, Map<String, Object> extra) throws SQLException {
            requireRedis();
            sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            ConfigurableApplicationContext one = Replicas.start(replica(schema, adminKey, extra));
            try {
                return new Two(schema, one, Replicas.start(replica(schema, adminKey, extra)));
            } catch (RuntimeException e) {
                one.close();
                sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                throw e;
            }
        }

        /** One replica's properties (each has a usage spool of its own). */
        private static Map<String, Object> replica(String schema, String adminKey, Map<String, Object> extra) {
            Map<String, Object> p = new HashMap<>(onPostgres(schema));
            p.put("gateway.tenancy.redis-url", REDIS);
            p.put("gateway.tenancy.channel", "model-gateway:tenancy:" + schema);
            p.put("gateway.admin-api-key", adminKey);
            p.put("gateway.embedded-model-server.embeddings", "false");
            p.putAll(extra);
            return p;
        }

        /** Closes both replicas and drops the schema. */
        @Override
        public void close() throws SQLException {
            two.close();
            one.close();
            sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}

package io.modelgateway.gateway.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.modelgateway.gateway.GatewayApplication;
import io.modelgateway.gateway.Replicas;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Outside the embedded default (here: on PostgreSQL) a weak admin or demo key stops the start with a message
 * saying how to make one; a strong key starts. The embedded default (H2) takes the README's short keys, as
 * every test on {@code GatewayTestBase} shows.
 */
class WeakKeyStartupTest {

    private static final String SCHEMA = "weak_key_startup";
    private static final String STRONG = "sk-c4cdefd3fefb8f16fc3c18ca7971a1c2f2a0f33d";

    @BeforeAll
    @AfterAll
    static void clean() throws SQLException {
        Replicas.sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }

    private static ConfigurableApplicationContext start(String adminKey, String demoKey) {
        Map<String, Object> p = new HashMap<>(Replicas.onPostgres(SCHEMA));
        p.put("gateway.admin-api-key", adminKey);
        p.put("gateway.demo-api-key", demoKey);
        p.put("gateway.embedded-model-server.embeddings", "false");
        p.put("server.port", "0");
        p.put("management.server.port", "0");
        String[] args = p.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(GatewayApplication.class)
                .initializers(Replicas.ownNettyResources())
                .run(args);
    }

    private static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append('\n');
        }
        return all.toString();
    }

    @Test
    void theReadmeKeysStopTheStartOnPostgres() {
        String admin =
                messages(catchThrowable(() -> start("sk-admin-readme", STRONG).close()));
        assertThat(admin)
                .contains("GATEWAY_ADMIN_API_KEY", "is too weak", "openssl rand -base64 32")
                .doesNotContain("sk-admin-readme");
        String demo = messages(catchThrowable(
                () -> start(STRONG, "sk-demo-readme-sk-demo-readme-sk-demo").close()));
        assertThat(demo).contains("GATEWAY_DEMO_API_KEY", "is too weak", "openssl rand -base64 32");
    }

    @Test
    void strongKeysStart() {
        try (ConfigurableApplicationContext app = start(STRONG, "sk-a6267c00566bf46cdd379eb054513fbd4f5e0c7d")) {
            assertThat(app.isRunning()).isTrue();
        }
    }
}

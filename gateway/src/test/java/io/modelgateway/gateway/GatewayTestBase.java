package io.modelgateway.gateway;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import java.time.Duration;
import java.util.UUID;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Starts the gateway on a random port with its embedded model server (real gRPC over loopback), plus
 * two more model servers standing in for slow GPUs, and deployments that point at trouble on purpose.
 * All test classes share this one application context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class GatewayTestBase {

    public static final String KEY = "sk-test-demo-key";
    public static final String ADMIN_KEY = "sk-test-admin-key";
    /** A key from configuration ({@code gateway.api-keys}), as the benchmarks use. */
    public static final String CONFIGURED_KEY = "sk-test-configured-key";

    static final String H2_URL = "jdbc:h2:mem:gateway-test;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
            + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";

    /** Takes 3 s before its first token: the gateway's first-token timeout (300 ms) answers 504. */
    static final ModelServer SLOW_START = ModelServer.builder()
            .port(0)
            .embeddings(false)
            .echoSettings(new EchoSettings(Duration.ofSeconds(3), 0))
            .start();

    /** 20 tokens per second: long enough to disconnect mid-stream. */
    static final ModelServer SLOW_TOKENS = ModelServer.builder()
            .port(0)
            .embeddings(false)
            .echoSettings(new EchoSettings(Duration.ZERO, 20))
            .start();

    static final String SPOOL_DIR =
            System.getProperty("java.io.tmpdir") + "/gateway-test-spool-" + java.util.UUID.randomUUID();

    /** The trusted OIDC issuer of all tests: its JWKS is served on loopback. */
    protected static final TestIssuer ISSUER = new TestIssuer();
    /** A second trusted issuer, bound to the tenants {@code other-*} only and issuing no platform tokens. */
    protected static final TestIssuer TENANT_ISSUER = new TestIssuer();

    /** {@code gateway.http.header-timeout} and {@code body-read-timeout} of the tests. */
    public static final Duration HEADER_TIMEOUT = Duration.ofSeconds(3);

    public static final Duration BODY_READ_TIMEOUT = Duration.ofSeconds(3);

    @LocalServerPort
    protected int port;

    /** Actuator's port (metrics, detailed health): never the API port. */
    @LocalManagementPort
    protected int managementPort;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("gateway.demo-api-key", () -> KEY);
        r.add("gateway.admin-api-key", () -> ADMIN_KEY);
        // Tests use an in-memory H2 (PostgreSQL mode), never the embedded default's ./data/ file.
        r.add("spring.datasource.url", () -> H2_URL);
        r.add("gateway.tenancy.last-used-flush-interval", () -> "200ms");
        r.add("gateway.outcomes.flush-interval", () -> "200ms");
        // Slow clients are cut off sooner than in production, so the tests that show it finish quickly.
        r.add("gateway.http.header-timeout", () -> HEADER_TIMEOUT.toMillis() + "ms");
        r.add("gateway.http.body-read-timeout", () -> BODY_READ_TIMEOUT.toMillis() + "ms");
        r.add("gateway.http.body-timeout", () -> "10s");
        r.add("gateway.api-keys[0].name", () -> "configured");
        r.add("gateway.api-keys[0].tenant", () -> "configured-tenant");
        r.add("gateway.api-keys[0].key", () -> CONFIGURED_KEY);
        r.add("gateway.jwt.issuers[0].issuer", ISSUER::issuer);
        r.add("gateway.jwt.issuers[0].jwks-uri", ISSUER::jwksUri);
        r.add("gateway.jwt.issuers[0].audiences[0]", () -> TestIssuer.AUDIENCE);
        r.add("gateway.jwt.issuers[0].tenants[0]", () -> "jwt-*");
        r.add("gateway.jwt.issuers[0].platform", () -> "true");
        r.add("gateway.console.oidc.issuer", ISSUER::issuer);
        r.add("gateway.console.oidc.authorization-uri", ISSUER::authorizationUri);
        r.add("gateway.console.oidc.token-uri", ISSUER::tokenUri);
        r.add("gateway.console.oidc.client-id", () -> "model-gateway-console");
        r.add("gateway.jwt.scope-mappings[0].claim", () -> "scope");
        r.add("gateway.jwt.scope-mappings[0].value", () -> "inference");
        r.add("gateway.jwt.scope-mappings[0].scope", () -> "inference");
        r.add("gateway.jwt.scope-mappings[1].claim", () -> "scope");
        r.add("gateway.jwt.scope-mappings[1].value", () -> "usage.read");
        r.add("gateway.jwt.scope-mappings[1].scope", () -> "usage.read");
        r.add("gateway.jwt.scope-mappings[2].claim", () -> "roles");
        r.add("gateway.jwt.scope-mappings[2].value", () -> "gateway.admin");
        r.add("gateway.jwt.scope-mappings[2].scope", () -> "admin");
        // A trusted issuer whose JWKS endpoint is down.
        r.add("gateway.jwt.issuers[1].issuer", () -> TestIssuer.UNREACHABLE);
        r.add("gateway.jwt.issuers[1].jwks-uri", () -> "http://127.0.0.1:1/jwks.json");
        r.add("gateway.jwt.issuers[1].audiences[0]", () -> TestIssuer.AUDIENCE);
        r.add("gateway.jwt.issuers[1].tenants[0]", () -> "jwt-*");
        r.add("gateway.jwt.issuers[2].issuer", TENANT_ISSUER::issuer);
        r.add("gateway.jwt.issuers[2].jwks-uri", TENANT_ISSUER::jwksUri);
        r.add("gateway.jwt.issuers[2].audiences[0]", () -> TestIssuer.AUDIENCE);
        r.add("gateway.jwt.issuers[2].tenants[0]", () -> "other-*");
        r.add("gateway.deployments.slow-start.model", () -> "echo");
        r.add("gateway.deployments.slow-start.backend", SLOW_START::target);
        r.add("gateway.deployments.slow-start.first-token-timeout", () -> "300ms");
        r.add("gateway.deployments.slow-start.request-timeout", () -> "300ms");
        r.add("gateway.deployments.slow-tokens.model", () -> "echo");
        r.add("gateway.deployments.slow-tokens.backend", SLOW_TOKENS::target);
        r.add("gateway.deployments.slow-tokens.chat-template", () -> "plain");
        // The backend does not serve this model: 502.
        r.add("gateway.deployments.misconfigured.model", () -> "no-such-model");
        // Billing: priced deployments of their own (prices are global per deployment), a spool per run.
        r.add("gateway.deployments.billed.model", () -> "echo");
        r.add("gateway.deployments.billed.chat-template", () -> "plain");
        r.add("gateway.deployments.billed-slow.model", () -> "echo");
        r.add("gateway.deployments.billed-slow.backend", SLOW_TOKENS::target);
        r.add("gateway.deployments.billed-slow.chat-template", () -> "plain");
        // Priced by CreditBalanceEndToEndTest alone so that a call's most cost rounds to 0 micro-units.
        r.add("gateway.deployments.cheap.model", () -> "echo");
        r.add("gateway.deployments.cheap.chat-template", () -> "plain");
        // Each application context (test classes with their own properties get their own) has its own spool.
        String spool = SPOOL_DIR + "-" + UUID.randomUUID();
        r.add("gateway.billing.spool-dir", () -> spool);
        r.add("gateway.billing.flush-interval", () -> "20ms");
        r.add("gateway.billing.check-interval", () -> "1s");
        // Priced by the monitoring contract test alone (prices are per deployment and the context is shared).
        r.add("gateway.deployments.metered.model", () -> "echo");
        r.add("gateway.deployments.metered.chat-template", () -> "plain");
        // Nothing listens on port 1: 503.
        r.add("gateway.deployments.unreachable.model", () -> "echo");
        r.add("gateway.deployments.unreachable.backend", () -> "127.0.0.1:1");
        // Regions for compliance tests: a tenant bound to "eu" gets the (down) eu backend, never the us one.
        r.add("gateway.deployments.unreachable.region", () -> "eu");
        r.add("gateway.deployments.slow-tokens.region", () -> "us");
    }

    /**
     * Waits until the embedded embedding model has loaded (it loads in the background once the gateway is
     * ready; until then embeddings answer 503).
     */
    protected void awaitEmbeddingModel() {
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> openAi().embeddings()
                                .create(com.openai.models.embeddings.EmbeddingCreateParams.builder()
                                        .model("all-minilm-l6-v2")
                                        .input("ready?")
                                        .build())
                        != null);
    }

    protected String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Where {@code /actuator/**} is served. */
    protected String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    protected AdminClient admin() {
        return new AdminClient(baseUrl(), ADMIN_KEY);
    }

    protected OpenAIClient openAi() {
        return openAi(KEY);
    }

    protected OpenAIClient openAi(String key) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(baseUrl() + "/v1")
                .apiKey(key)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }
}

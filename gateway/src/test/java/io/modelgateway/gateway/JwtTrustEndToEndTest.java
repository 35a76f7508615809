package io.modelgateway.gateway;

import static io.modelgateway.gateway.TenancyEndToEndTest.chat;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a trusted issuer's JWT may not do (issue 14): a tenant token never holds a platform scope, a claim
 * value is a scope only through a configured mapping, an issuer names only the tenants it is bound to,
 * {@code exp} is required, and made-up key ids do not make the gateway fetch the JWKS again and again. The
 * issuers' JWKS are served by real loopback HTTP servers ({@link TestIssuer}) that count their fetches.
 */
class JwtTrustEndToEndTest extends GatewayTestBase {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private String tenant;

    @BeforeEach
    void tenant() {
        tenant = "jwt-" + UUID.randomUUID().toString().substring(0, 8);
        admin().createTenant(tenant, "echo");
    }

    @Test
    void tenantTokenWithAnAdminRoleOrScopeGets403OnTheAdminApi() {
        // roles: gateway.admin is mapped to admin, but admin is a platform scope and this token names a tenant
        String mappedRole = ISSUER.token(Map.of("tid", tenant, "roles", List.of("gateway.admin")));
        // scp/roles "admin": raw claim values are no scopes without a mapping
        String rawScope = ISSUER.token(Map.of("tid", tenant, "scp", "admin finance", "scope", "inference"));
        String rawRole = ISSUER.token(Map.of("tid", tenant, "roles", List.of("admin", "finance")));
        for (String token : List.of(mappedRole, rawScope, rawRole)) {
            AdminClient.error(admin().as(token).send("GET", "/tenants", null), 403, "insufficient_scope");
            AdminClient.error(
                    admin().as(token).send("POST", "/keys", "{\"name\":\"x\",\"scopes\":[\"admin\"]}"),
                    403,
                    "insufficient_scope");
            AdminClient.error(admin().as(token).send("GET", "/tenants/" + tenant, null), 403, "insufficient_scope");
        }
        // the same role on a platform token (no tenant claim) is admin
        admin().as(ISSUER.token(Map.of("roles", List.of("gateway.admin")))).expect(200, "GET", "/tenants", null);
    }

    @Test
    void aTenantTokenGetsOnlyMappedScopes() {
        // "usage.read" and "inference" are mapped from the claim "scope" only, not from "scp"
        String unmapped = ISSUER.token(Map.of("tid", tenant, "scp", "inference usage.read"));
        assertThat(status("POST", "/v1/chat/completions", unmapped, chatBody())).isEqualTo(403);
        String mapped = ISSUER.token(Map.of("tid", tenant, "scope", "inference"));
        assertThat(openAi(mapped).chat().completions().create(chat("echo")).choices())
                .hasSize(1);
    }

    @Test
    void tokenWithoutExpIs401() {
        String noExp = ISSUER.token(Map.of("tid", tenant, "scope", "inference"), b -> b.expirationTime(null));
        assertThat(status("POST", "/v1/chat/completions", noExp, chatBody())).isEqualTo(401);
        String platformNoExp = ISSUER.token(Map.of("roles", List.of("gateway.admin")), b -> b.expirationTime(null));
        AdminClient.error(admin().as(platformNoExp).send("GET", "/tenants", null), 401, "invalid_token");
    }

    @Test
    void issuerNamingATenantItIsNotBoundToIs401() {
        // TENANT_ISSUER is bound to other-* only: an existing tenant outside that is refused
        String foreign = TENANT_ISSUER.token(Map.of("tid", tenant, "scope", "inference"));
        assertThat(status("POST", "/v1/chat/completions", foreign, chatBody())).isEqualTo(401);
        // and it issues no platform tokens, whatever roles they carry
        String platform = TENANT_ISSUER.token(Map.of("roles", List.of("gateway.admin")));
        AdminClient.error(admin().as(platform).send("GET", "/tenants", null), 401, "invalid_token");
        // ISSUER is bound to jwt-*: a tenant of TENANT_ISSUER is not its to name
        String other = "other-" + UUID.randomUUID().toString().substring(0, 8);
        admin().createTenant(other, "echo");
        assertThat(status(
                        "POST",
                        "/v1/chat/completions",
                        ISSUER.token(Map.of("tid", other, "scope", "inference")),
                        chatBody()))
                .isEqualTo(401);
        // the bound issuer may name it
        assertThat(openAi(TENANT_ISSUER.token(Map.of("tid", other, "scope", "inference")))
                        .chat()
                        .completions()
                        .create(chat("echo"))
                        .choices())
                .hasSize(1);
    }

    @Test
    void aThousandTokensWithUnknownKeyIdsCauseAHandfulOfJwksFetches() throws Exception {
        String other = "other-" + UUID.randomUUID().toString().substring(0, 8);
        admin().createTenant(other, "echo");
        // the key set is loaded (and cached) by a valid token first
        assertThat(status(
                        "POST",
                        "/v1/chat/completions",
                        TENANT_ISSUER.token(Map.of("tid", other, "scope", "inference")),
                        chatBody()))
                .isEqualTo(200);
        int before = TENANT_ISSUER.jwksFetches();
        // in waves of 50 concurrent requests, so lookups of unknown key ids also race each other
        for (int wave = 0; wave < 20; wave++) {
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String token = TENANT_ISSUER.withKeyId(
                        UUID.randomUUID().toString(), Map.of("tid", other, "scope", "inference"));
                answers.add(HTTP.sendAsync(
                        request("POST", "/v1/chat/completions", token, chatBody()),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                assertThat(answer.join().statusCode()).as("wave %d", wave).isEqualTo(401);
            }
        }
        assertThat(TENANT_ISSUER.jwksFetches() - before).isBetween(0, 5);
        // real users with the known key are still served
        assertThat(status(
                        "POST",
                        "/v1/chat/completions",
                        TENANT_ISSUER.token(Map.of("tid", other, "scope", "inference")),
                        chatBody()))
                .isEqualTo(200);
    }

    private static String chatBody() {
        return "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}";
    }

    private HttpRequest request(String method, String path, String bearer, String body) {
        return HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private int status(String method, String path, String bearer, String body) {
        try {
            return HTTP.send(request(method, path, bearer, body), HttpResponse.BodyHandlers.ofString())
                    .statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

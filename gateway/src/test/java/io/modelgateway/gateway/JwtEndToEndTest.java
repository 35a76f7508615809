package io.modelgateway.gateway;

import static io.modelgateway.gateway.TenancyEndToEndTest.assertOpenAiError;
import static io.modelgateway.gateway.TenancyEndToEndTest.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OAuth2/OIDC bearer JWTs through Spring Security's resource server: tokens signed by an RSA key this
 * test made, whose JWKS a loopback server publishes ({@link TestIssuer}).
 */
class JwtEndToEndTest extends GatewayTestBase {

    private String tenant;

    @BeforeEach
    void tenant() {
        tenant = "jwt-" + UUID.randomUUID().toString().substring(0, 8);
        admin().createTenant(tenant, "echo");
    }

    private Map<String, Object> claims() {
        return Map.of("tid", tenant, "scope", "inference usage.read");
    }

    private void refused(String token, int status, String code) {
        if (status == 401) {
            assertOpenAiError(
                    catchThrowableOfType(
                            UnauthorizedException.class,
                            () -> openAi(token).chat().completions().create(chat("echo"))),
                    401,
                    code);
        } else {
            assertOpenAiError(
                    catchThrowableOfType(
                            PermissionDeniedException.class,
                            () -> openAi(token).chat().completions().create(chat("echo"))),
                    status,
                    code);
        }
    }

    @Test
    void validTokenReachesTheModelAsItsTenant() {
        assertThat(openAi(ISSUER.token(claims()))
                        .chat()
                        .completions()
                        .create(chat("echo"))
                        .choices())
                .hasSize(1);
    }

    @Test
    void wrongIssuerIs401() {
        refused(ISSUER.token(claims(), b -> b.issuer("https://evil.example.com/")), 401, "invalid_token");
    }

    @Test
    void wrongAudienceIs401() {
        refused(ISSUER.token(claims(), b -> b.audience("someone-else")), 401, "invalid_token");
    }

    @Test
    void expiredTokenIs401() {
        Instant past = Instant.now().minusSeconds(600);
        refused(
                ISSUER.token(
                        claims(),
                        b -> b.issueTime(Date.from(past.minusSeconds(60))).expirationTime(Date.from(past))),
                401,
                "invalid_token");
    }

    @Test
    void badSignatureIs401() {
        refused(ISSUER.forged(claims()), 401, "invalid_token");
    }

    @Test
    void unreachableJwksIs503NotA401() {
        var e = catchThrowableOfType(
                com.openai.errors.InternalServerException.class,
                () -> openAi(ISSUER.token(claims(), b -> b.issuer(TestIssuer.UNREACHABLE)))
                        .chat()
                        .completions()
                        .create(chat("echo")));
        assertThat(e).isNotNull();
        assertThat(e.statusCode()).isEqualTo(503);
        assertThat(e.code()).hasValue("auth_unavailable");
    }

    @Test
    void unknownTenantIs401() {
        refused(ISSUER.token(Map.of("tid", "jwt-no-such-tenant", "scope", "inference")), 401, "unknown_tenant");
    }

    @Test
    void suspendedTenantIs403() {
        admin().expect(200, "POST", "/tenants/" + tenant + "/suspend", null);
        refused(ISSUER.token(claims()), 403, "tenant_suspended");
    }

    @Test
    void tokenWithoutTheInferenceScopeIs403() {
        refused(ISSUER.token(Map.of("tid", tenant, "scope", "usage.read")), 403, "insufficient_scope");
    }

    @Test
    void tenantFromTheClaimDecidesTheDeployments() {
        var e = catchThrowableOfType(
                com.openai.errors.NotFoundException.class,
                () -> openAi(ISSUER.token(claims())).chat().completions().create(chat("slow-tokens")));
        assertOpenAiError(e, 404, "model_not_found");
    }

    @Test
    void adminScopedTokenMayUseTheAdminApiAndOthersMayNot() {
        String adminToken = ISSUER.token(Map.of("roles", List.of("gateway.admin")));
        admin().as(adminToken).expect(200, "GET", "/tenants/" + tenant, null);
        AdminClient.error(admin().as(ISSUER.token(claims())).send("GET", "/tenants", null), 403, "insufficient_scope");
        AdminClient.error(
                admin().as(ISSUER.forged(Map.of("roles", List.of("gateway.admin"))))
                        .send("GET", "/tenants", null),
                401,
                "invalid_token");
    }
}

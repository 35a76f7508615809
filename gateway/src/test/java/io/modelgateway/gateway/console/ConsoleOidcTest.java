package io.modelgateway.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.GatewayTestBase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * OIDC sign-in to the console against the test issuer's authorization and token endpoints (code flow with
 * PKCE): the token it yields is checked as the API checks a bearer JWT, and then is the session's credential.
 */
class ConsoleOidcTest extends GatewayTestBase {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Test
    void aTenantUserSignsInThroughTheProviderAndSeesItsOwnTenant() throws Exception {
        String tenant = "jwt-oidc-" + UUID.randomUUID().toString().substring(0, 8);
        admin().createTenant(tenant, "echo");
        ISSUER.signInAs(Map.of("tid", tenant, "scope", "usage.read"));

        assertThat(get("/console/sign-in", null).body()).contains("href=\"/console/oidc/start\"");
        Flow flow = startAndAuthorize();
        HttpResponse<String> callback = get(flow.callback(), "console_oidc=" + flow.pending());
        assertThat(callback.statusCode()).as(callback.body()).isEqualTo(200);
        String session = cookie(callback, "console_session");
        assertThat(callback.headers().allValues("set-cookie"))
                .anyMatch(c -> c.startsWith("console_oidc=;"))
                .as("the session ends with the token (5 minutes)")
                .anyMatch(c -> c.startsWith("console_session=")
                        && c.matches(".*Max-Age=(\\d+).*")
                        && Long.parseLong(c.replaceAll(".*Max-Age=(\\d+).*", "$1")) <= 300);

        HttpResponse<String> overview = get("/console/overview", "console_session=" + session);
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.body()).contains(tenant).doesNotContain("The API answered");
        HttpResponse<String> other = get("/console/credits?tenant=someone-else", "console_session=" + session);
        assertThat(other.body()).contains("403").contains("other_tenant");
    }

    @Test
    void aCallbackFromAnotherBrowserOrWithAReusedCodeIsRefused() throws Exception {
        String tenant = "jwt-oidc-" + UUID.randomUUID().toString().substring(0, 8);
        admin().createTenant(tenant, "echo");
        ISSUER.signInAs(Map.of("tid", tenant, "scope", "usage.read"));
        Flow flow = startAndAuthorize();
        Flow otherBrowser = startAndAuthorize();
        assertThat(get(flow.callback(), "console_oidc=" + otherBrowser.pending())
                        .statusCode())
                .as("state")
                .isEqualTo(403);
        assertThat(get(flow.callback(), null).statusCode()).isEqualTo(403);
        assertThat(get(flow.callback(), "console_oidc=" + flow.pending()).statusCode())
                .isEqualTo(200);
        assertThat(get(flow.callback(), "console_oidc=" + flow.pending()).statusCode())
                .as("the code is spent")
                .isEqualTo(401);
    }

    @Test
    void tokensTheApiWouldRefuseOpenNoSession() throws Exception {
        String tenant = "jwt-oidc-" + UUID.randomUUID().toString().substring(0, 8);
        admin().createTenant(tenant, "echo");
        for (Map<String, Object> claims : java.util.List.<Map<String, Object>>of(
                Map.of("tid", tenant, "scope", "usage.read", "aud", "someone-else"), // audience
                Map.of("tid", "jwt-no-such-tenant", "scope", "usage.read"), // unknown tenant
                Map.of("tid", "acme-not-this-issuers", "scope", "usage.read"))) { // a tenant the issuer may not name
            ISSUER.signInAs(claims);
            Flow flow = startAndAuthorize();
            HttpResponse<String> r = get(flow.callback(), "console_oidc=" + flow.pending());
            assertThat(r.statusCode()).as(claims.toString()).isEqualTo(401);
            assertThat(r.headers().allValues("set-cookie")).noneMatch(c -> c.startsWith("console_session="));
        }
        ISSUER.signInAs(Map.of("tid", tenant, "scope", "inference"));
        Flow flow = startAndAuthorize();
        assertThat(get(flow.callback(), "console_oidc=" + flow.pending()).statusCode())
                .as("no usage.read")
                .isEqualTo(403);
    }

    /** The browser's part: the start (state and verifier in a cookie), the provider's redirect back. */
    private record Flow(String pending, String callback) {}

    private Flow startAndAuthorize() throws Exception {
        HttpResponse<String> start = get("/console/oidc/start", null);
        assertThat(start.statusCode()).isEqualTo(303);
        String authorize = start.headers().firstValue("location").orElseThrow();
        Map<String, String> q = UriComponentsBuilder.fromUriString(authorize)
                .build()
                .getQueryParams()
                .toSingleValueMap();
        assertThat(q)
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("response_type", "code")
                .containsEntry("client_id", "model-gateway-console")
                .containsKey("state")
                .containsKey("code_challenge");
        HttpResponse<String> back =
                HTTP.send(HttpRequest.newBuilder(URI.create(authorize)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
        String callback = back.headers().firstValue("location").orElseThrow();
        assertThat(callback).startsWith(baseUrl() + "/console/oidc/callback?code=");
        return new Flow(
                cookie(start, "console_oidc"), callback.substring(baseUrl().length()));
    }

    private static String cookie(HttpResponse<String> r, String name) {
        return r.headers().allValues("set-cookie").stream()
                .filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';')))
                .findFirst()
                .orElseThrow();
    }

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}

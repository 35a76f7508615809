package io.modelgateway.gateway;

import static io.modelgateway.gateway.AdminClient.error;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The admin API: who may call it, what it validates, and that one tenant's key never reaches another's data. */
class AdminApiTest extends GatewayTestBase {

    private String a;
    private String b;
    private String keyOfA;

    @BeforeEach
    void twoTenants() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        a = "a-" + suffix;
        b = "b-" + suffix;
        admin().createTenant(a, "echo");
        admin().createTenant(b, "*");
        keyOfA = admin().issueKey(a);
    }

    @Test
    void unauthenticatedIs401() {
        error(admin().as(null).send("GET", "/tenants", null), 401, "missing_api_key");
        error(admin().as("sk-mg-nope").send("GET", "/tenants", null), 401, "invalid_api_key");
    }

    @Test
    void aTenantKeyCannotReadListOrChangeAnyTenantsKeysOrSettings() {
        AdminClient asA = admin().as(keyOfA);
        for (String t : new String[] {a, b}) {
            error(asA.send("GET", "/tenants/" + t, null), 403, "insufficient_scope");
            error(asA.send("GET", "/tenants/" + t + "/keys", null), 403, "insufficient_scope");
            error(asA.send("POST", "/tenants/" + t + "/keys", "{\"name\":\"x\"}"), 403, "insufficient_scope");
            error(asA.send("PATCH", "/tenants/" + t, "{\"name\":\"mine\"}"), 403, "insufficient_scope");
            error(asA.send("POST", "/tenants/" + t + "/suspend", null), 403, "insufficient_scope");
        }
        String keyOfB = admin().expect(200, "GET", "/tenants/" + b + "/keys", null)
                .path("data")
                .path(0)
                .path("id")
                .asString("");
        error(
                asA.send("POST", "/keys/" + (keyOfB.isEmpty() ? "key_x" : keyOfB) + "/revoke", null),
                403,
                "insufficient_scope");
        error(asA.send("GET", "/tenants", null), 403, "insufficient_scope");
        error(asA.send("PUT", "/deployments/echo/tenants", "{\"tenants\":[\"" + a + "\"]}"), 403, "insufficient_scope");
        assertThat(admin().expect(200, "GET", "/tenants/" + b, null).get("name").asString())
                .isEqualTo("Tenant " + b);
    }

    @Test
    void onlyAdminScopedPlatformKeysMayAdminister() {
        String finance = admin().expect(201, "POST", "/keys", "{\"name\":\"fin\",\"scopes\":[\"finance\"]}")
                .get("key")
                .asString();
        error(admin().as(finance).send("GET", "/tenants", null), 403, "insufficient_scope");
        String second = admin().expect(201, "POST", "/keys", "{\"name\":\"ops\",\"scopes\":[\"admin\"]}")
                .get("key")
                .asString();
        admin().as(second).expect(200, "GET", "/tenants", null);
        assertThat(admin().expect(200, "GET", "/keys", null).get("data"))
                .extracting(k -> k.get("name").asString())
                .contains("fin", "ops");
    }

    @Test
    void keyIsShownOnceAndListedByIdNameAndLastFour() {
        JsonNode issued = admin().expect(201, "POST", "/tenants/" + a + "/keys", "{\"name\":\"ci\"}");
        String key = issued.get("key").asString();
        assertThat(key).startsWith("sk-mg-").hasSizeGreaterThan(40);
        assertThat(issued.get("last_four").asString()).isEqualTo(key.substring(key.length() - 4));
        assertThat(issued.get("redacted_value").asString()).isEqualTo("sk-mg-..." + key.substring(key.length() - 4));
        JsonNode listed = admin().expect(200, "GET", "/tenants/" + a + "/keys", null);
        assertThat(listed.toString()).doesNotContain(key).doesNotContain("hash");
        JsonNode one = admin().expect(200, "GET", "/keys/" + issued.get("id").asString(), null);
        assertThat(one.has("key")).isFalse();
        assertThat(one.get("name").asString()).isEqualTo("ci");
        assertThat(one.get("tenant_id").asString()).isEqualTo(a);
    }

    @Test
    void rotationKeepsTheOldKeyForItsGracePeriod() {
        JsonNode old = admin().expect(201, "POST", "/tenants/" + a + "/keys", "{\"name\":\"key1\"}");
        JsonNode next = admin().expect(201, "POST", "/keys/" + old.get("id").asString() + "/rotate", null);
        assertThat(next.get("name").asString()).isEqualTo("key1");
        assertThat(openAi(old.get("key").asString()).models().list().data()).isNotEmpty();
        assertThat(openAi(next.get("key").asString()).models().list().data()).isNotEmpty();
        assertThat(admin().expect(200, "GET", "/keys/" + old.get("id").asString(), null)
                        .get("expires_at")
                        .asLong())
                .isPositive();

        JsonNode third =
                admin().expect(201, "POST", "/keys/" + next.get("id").asString() + "/rotate", "{\"grace_seconds\":0}");
        var refused = catchUnauthorized(next.get("key").asString());
        assertThat(refused).contains("revoked");
        assertThat(openAi(third.get("key").asString()).models().list().data()).isNotEmpty();
    }

    private String catchUnauthorized(String key) {
        var e = org.assertj.core.api.Assertions.catchThrowableOfType(
                com.openai.errors.UnauthorizedException.class,
                () -> openAi(key).models().list());
        assertThat(e).isNotNull();
        return e.getMessage();
    }

    @Test
    void invalidBodiesAre400NamingTheParameter() {
        assertThat(error(admin().send("POST", "/tenants", "{\"id\":\"Bad Id\",\"name\":\"x\"}"), 400, "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("id");
        assertThat(error(
                                admin().send("POST", "/tenants", "{\"id\":\"ok\",\"name\":\"x\",\"colour\":1}"),
                                400,
                                "unknown_parameter")
                        .get("param")
                        .asString())
                .isEqualTo("colour");
        assertThat(error(
                                admin().send(
                                                "POST",
                                                "/tenants",
                                                "{\"id\":\"ok2\",\"name\":\"x\",\"deployments\":[\"gpt-9\"]}"),
                                400,
                                "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("deployments");
        error(admin().send("POST", "/tenants", "{not json"), 400, "invalid_json");
        error(
                admin().send("POST", "/tenants/" + a + "/keys", "{\"name\":\"x\",\"scopes\":[\"admin\"]}"),
                400,
                "invalid_value");
        error(
                admin().send("POST", "/tenants/" + a + "/keys", "{\"name\":\"x\",\"expires_at\":1000}"),
                400,
                "invalid_value");
        error(admin().send("POST", "/keys", "{\"name\":\"x\",\"scopes\":[\"inference\"]}"), 400, "invalid_value");
        error(admin().send("PATCH", "/tenants/" + a, "{\"status\":\"gone\"}"), 400, "invalid_value");
    }

    @Test
    void missingThingsAre404AndDuplicatesAre409() {
        error(admin().send("GET", "/tenants/nobody", null), 404, "not_found");
        error(admin().send("GET", "/tenants/nobody/keys", null), 404, "not_found");
        error(admin().send("POST", "/keys/key_nothing/revoke", null), 404, "not_found");
        error(admin().send("GET", "/deployments/gpt-9", null), 404, "not_found");
        error(admin().send("POST", "/tenants", "{\"id\":\"" + a + "\",\"name\":\"again\"}"), 409, "already_exists");
    }

    @Test
    void updateChangesNameAndDeployments() {
        JsonNode t = admin().expect(
                        200,
                        "PATCH",
                        "/tenants/" + a,
                        "{\"name\":\"Renamed\",\"deployments\":[\"echo\",\"all-minilm-l6-v2\"]}");
        assertThat(t.get("name").asString()).isEqualTo("Renamed");
        assertThat(t.get("status").asString()).isEqualTo("active");
        assertThat(openAi(keyOfA).models().list().data()).hasSize(2);
    }

    @Test
    void deploymentAccessIsManagedPerDeployment() {
        assertThat(openAi(keyOfA).models().list().data()).hasSize(1);
        JsonNode d =
                admin().expect(200, "PUT", "/deployments/all-minilm-l6-v2/tenants", "{\"tenants\":[\"" + a + "\"]}");
        assertThat(d.get("tenants")).extracting(JsonNode::asString).containsExactly(a);
        assertThat(openAi(keyOfA).models().list().data()).hasSize(2);
        assertThat(admin().expect(200, "GET", "/deployments", null).get("data")).hasSizeGreaterThanOrEqualTo(2);
        error(admin().send("PUT", "/deployments/echo/tenants", "{\"tenants\":[\"nobody\"]}"), 400, "invalid_value");
    }

    @Test
    void oddPathSpellingsNeverReachAnAdminHandlerWithoutCredentials() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        for (String path : new String[] {
            "//admin/v1/tenants",
            "/admin//v1/tenants",
            "/admin/v1//tenants",
            "/admin/v1/tenants/",
            "/admin/v1/./tenants",
            "/ADMIN/v1/tenants"
        }) {
            var r = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl() + path))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path + " -> " + r.body()).isIn(400, 401, 404); // never 200
            assertThat(r.body()).as(path).doesNotContain("\"object\":\"list\"");
        }
    }

    @Test
    void openApiDocumentIsServed() {
        var r = admin().as(null).send("GET", "/openapi.yaml", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("openapi: 3.1.0").contains("/tenants/{tenant}/keys");
    }
}

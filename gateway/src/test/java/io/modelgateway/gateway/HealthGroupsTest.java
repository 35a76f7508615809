package io.modelgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which port serves what. The API port answers the probes Kubernetes uses, {@code /livez} (the process alone)
 * and {@code /readyz} (adds the database), with the status only; everything under {@code /actuator} (metrics,
 * the detailed health document with Redis and the backends) is on the management port and not on the API port.
 */
class HealthGroupsTest extends GatewayTestBase {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Autowired
    HealthEndpointGroups groups;

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(r.body());
    }

    @Test
    void theApiPortAnswersLivenessAndReadinessWithTheStatusOnly() throws Exception {
        for (String probe : List.of("/livez", "/readyz")) {
            JsonNode status = json(get(baseUrl() + probe));
            assertThat(names(status)).as(probe).containsExactly("status");
            assertThat(status.get("status").asString()).isEqualTo("UP");
        }
    }

    @Test
    void readinessIsTheDatabaseAndTheApplicationStateLivenessTheProcessAlone() {
        assertThat(groups.get("readiness").isMember("db")).isTrue();
        assertThat(groups.get("readiness").isMember("readinessState")).isTrue();
        assertThat(groups.get("readiness").isMember("redis")).isFalse();
        assertThat(groups.get("readiness").isMember("backends")).isFalse();
        assertThat(groups.get("liveness").isMember("livenessState")).isTrue();
        assertThat(groups.get("liveness").isMember("db")).isFalse();
    }

    @Test
    void theFullDocumentOnTheManagementPortReportsRedisAndTheBackends() throws Exception {
        assertThat(managementPort).isNotEqualTo(port);
        JsonNode health = json(get(managementUrl() + "/actuator/health"));
        assertThat(names(health.get("components"))).contains("db", "redis", "backends");
        assertThat(health.get("components")
                        .get("redis")
                        .get("details")
                        .get("configured")
                        .asBoolean())
                .isFalse();
        assertThat(health.get("components").get("backends").get("status").asString())
                .isEqualTo("DEGRADED");
    }

    @Test
    void prometheusIsOnTheManagementPortOnly() throws Exception {
        HttpResponse<String> scrape = get(managementUrl() + "/actuator/prometheus");
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("# TYPE gateway_backend_ready gauge");
        for (String path : List.of(
                "/actuator/prometheus",
                "/actuator/health",
                "/actuator/health/readiness",
                "/actuator",
                "/actuator/info")) {
            HttpResponse<String> r = get(baseUrl() + path);
            // Undeclared on the API port: refused by the gate (401 without a credential), never served.
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            JsonNode error = JsonMapper.builder().build().readTree(r.body()).get("error");
            assertThat(error).as(path + ": " + r.body()).isNotNull();
            assertThat(error.get("code").asString()).isEqualTo("missing_api_key");
            assertThat(r.body()).doesNotContain("gateway_", "backends", "components");
        }
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }
}

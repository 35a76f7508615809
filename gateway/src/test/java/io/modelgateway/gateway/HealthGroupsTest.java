package io.modelgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The probes Kubernetes uses: liveness is the process alone, readiness adds the database; Redis and the
 * backends are reported in the full health document only.
 */
class HealthGroupsTest extends GatewayTestBase {

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(r.body());
    }

    @Test
    void readinessIsTheDatabaseAndTheApplicationState() throws Exception {
        JsonNode readiness = get("/actuator/health/readiness");
        assertThat(readiness.get("status").asString()).isEqualTo("UP");
        assertThat(names(readiness.get("components"))).containsExactlyInAnyOrder("db", "readinessState");
    }

    @Test
    void livenessIsTheProcessAlone() throws Exception {
        JsonNode liveness = get("/actuator/health/liveness");
        assertThat(liveness.get("status").asString()).isEqualTo("UP");
        assertThat(names(liveness.get("components"))).containsExactly("livenessState");
    }

    @Test
    void theFullDocumentReportsRedisAndTheBackends() throws Exception {
        JsonNode health = get("/actuator/health");
        assertThat(names(health.get("components"))).contains("db", "redis", "backends");
        assertThat(health.get("components").get("redis").get("details").get("configured").asBoolean()).isFalse();
        assertThat(health.get("components").get("backends").get("status").asString()).isEqualTo("DEGRADED");
    }

    @Test
    void thePrometheusEndpointNeedsNoKey() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("# TYPE gateway_backend_ready gauge");
    }

    private static java.util.List<String> names(JsonNode components) {
        java.util.List<String> names = new java.util.ArrayList<>();
        components.propertyNames().forEach(names::add);
        return names;
    }
}

package io.modelgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Health names each deployment's backend state; a dead backend degrades that component, not liveness/readiness. */
class HealthTest extends GatewayTestBase {

    private static JsonNode get(String url, int status) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JsonMapper.builder().build().readTree(r.body());
    }

    @Test
    void backendsComponentNamesTheDeadBackendAndTheLiveOnes() {
        // the pools' readiness is polled: a context started just now may not have polled yet
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20))
                .untilAsserted(this::backendsNamed);
    }

    private void backendsNamed() throws Exception {
        JsonNode health = get(managementUrl() + "/actuator/health", 200);
        JsonNode backends = health.get("components").get("backends");
        assertThat(backends.get("status").asString()).isEqualTo("DEGRADED");
        JsonNode deployments = backends.get("details").get("deployments");
        assertThat(deployments.get("echo").asString()).isEqualTo("READY");
        assertThat(deployments.get("unreachable").asString()).isEqualTo("UNAVAILABLE");
        // The replica is up but does not serve the model.
        assertThat(deployments.get("misconfigured").asString()).isEqualTo("MODEL_NOT_READY");
    }

    @Test
    void poolsListEachReplicaWithReadinessLoadAndBreaker() {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20))
                .untilAsserted(this::poolsListed);
    }

    private void poolsListed() throws Exception {
        JsonNode pools = get(managementUrl() + "/actuator/health", 200)
                .get("components")
                .get("backends")
                .get("details")
                .get("pools");
        JsonNode embedded = pools.get("embedded").get(0);
        assertThat(embedded.get("ready").asBoolean()).isTrue();
        assertThat(embedded.get("breaker").asString()).isEqualTo("CLOSED");
        assertThat(embedded.get("outstanding").asInt()).isZero();
        assertThat(embedded.get("models").get("echo").asBoolean()).isTrue();
        JsonNode unreachable = pools.get("127.0.0.1:1").get(0);
        assertThat(unreachable.get("ready").asBoolean()).isFalse();
    }

    @Test
    void livenessAndReadinessStayUpWhenABackendIsDown() throws Exception {
        assertThat(get(baseUrl() + "/livez", 200).get("status").asString()).isEqualTo("UP");
        assertThat(get(baseUrl() + "/readyz", 200).get("status").asString()).isEqualTo("UP");
    }
}

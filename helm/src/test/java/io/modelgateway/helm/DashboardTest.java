package io.modelgateway.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The Grafana dashboard is well-formed and covers what the ops team asked for. */
class DashboardTest {

    private final JsonNode dashboard = JsonMapper.builder().build().readTree(read("files/dashboard.json"));

    private static String read(String file) {
        try {
            return Files.readString(Chart.DIR.resolve(file));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void panelsHaveUniqueIdsTargetsAndFitTheGrid() {
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(ids.add(panel.get("id").asInt()))
                    .as("unique id " + panel.get("id"))
                    .isTrue();
            JsonNode grid = panel.get("gridPos");
            assertThat(grid.get("x").asInt() + grid.get("w").asInt()).isLessThanOrEqualTo(24);
            if (!"row".equals(panel.get("type").asString())) {
                assertThat(panel.get("targets"))
                        .as(panel.get("title").asString())
                        .isNotEmpty();
                panel.get("targets")
                        .forEach(t -> assertThat(t.get("expr").asString()).isNotBlank());
            }
        }
        assertThat(dashboard.get("uid").asString()).isEqualTo("model-gateway");
    }

    @Test
    void coversTrafficErrorsLatencyTokensQuotasCreditsBackendsAndUsageLag() {
        StringBuilder all = new StringBuilder();
        dashboard
                .get("panels")
                .forEach(p -> all.append(p.get("title").asString()).append('\n'));
        assertThat(all.toString())
                .contains(
                        "Requests/s",
                        "Errors/s",
                        "Time to first token",
                        "Request duration",
                        "Tokens/s by model",
                        "Quota rejections",
                        "Credit burn by tenant",
                        "Model readiness",
                        "open breakers",
                        "Usage writer lag");
    }
}
